"use client";

import { signOut } from "next-auth/react";
import { MAIN_PAGE_PATH } from "@/lib/http/names.js";

export function SignOutButton() {
  return (
    <button type="button" onClick={() => signOut({ callbackUrl: MAIN_PAGE_PATH })}>
      Sign out
    </button>
  );
}
