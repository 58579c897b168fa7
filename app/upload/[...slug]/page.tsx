import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { canEdit } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { getConfig } from "@/lib/config";
import { findFileWithVersions } from "@/lib/files/reads";
import { acceptedTypes } from "@/lib/files/types";
import { assertFileTitle } from "@/lib/files/uploads";
import { pagePaths } from "@/lib/wiki/titles";
import { db } from "@/lib/db";
import { PageHead, titleOrNotice, titledMetadata } from "@/app/_components/PageHead";
import { formatBytes, formatDate } from "@/app/_components/format";
import { RevertFileButton, UploadForm } from "./UploadForm";
import { accessOf, whyNotEditTitle } from "@/lib/auth/access";

type Props = { params: Promise<{ slug: string[] }> };

export const generateMetadata = ({ params }: Props) => titledMetadata(params, (title) => `Upload ${title}`);

/** /upload/{slug}: upload a file to a File: title (where red links to missing files lead), and its versions with revert. */
export default async function UploadPage({ params }: Props) {
  const named = await titleOrNotice(params);
  if (named.notice) return named.notice;
  const title = named.title;
  try {
    assertFileTitle(title);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return (
      <>
        <PageHead title={title} tab="edit" />
        <p className="error-box">{e.message}</p>
      </>
    );
  }
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(pagePaths.upload(title))}`);
  // a space one may not edit refuses before anything of the file is shown (decision 0029)
  const refusal = await whyNotEditTitle(title, user);
  if (refusal) {
    return (
      <>
        <PageHead title={title} heading={`Upload ${title}`} tab="edit" />
        <p className="notice">{refusal}.</p>
      </>
    );
  }
  const page = await db().page.findUnique({ where: { title }, select: { protection: true, latestRevisionId: true } });
  const protection = page?.latestRevisionId ? page.protection : "none";
  if (!canEdit(user, protection)) {
    return (
      <>
        <PageHead title={title} heading={`Upload ${title}`} tab="edit" />
        <p className="notice">You may not upload files here{user.blocked ? ": your account is blocked" : protection !== "none" ? ": this file is protected" : ""}.</p>
      </>
    );
  }
  const file = await findFileWithVersions(title, { limit: 100 }, await accessOf(user));
  const config = getConfig();
  return (
    <>
      <PageHead title={title} heading={file ? `Upload a new version of ${title}` : `Upload ${title}`} tab="edit" />
      <p className="hint">
        Accepted: {[...acceptedTypes()].join(", ")}; at most {formatBytes(config.UPLOAD_MAX_BYTES)}. The type is read from the file itself,
        and the name&apos;s extension must agree with it.
        {config.UPLOAD_KEEP_LOCATION === "on"
          ? " Photos keep the place they were taken (their GPS position), as this wiki is set up to."
          : " Where a photo was taken (its GPS position) is removed from it at upload; everything else, its orientation among it, is kept."}
      </p>
      <UploadForm title={title} exists={!!file} />
      {file && (
        <section aria-labelledby="versions">
          <h2 id="versions">Versions</h2>
          <div className="table-scroll">
            <table className="list">
              <thead>
                <tr><th scope="col">Version</th><th scope="col">Date</th><th scope="col">By</th><th scope="col">Size</th><th scope="col">Pixels</th><th scope="col">Summary</th><th scope="col"><span className="skip">Action</span></th></tr>
              </thead>
              <tbody>
                {file.versions.map((v, i) => (
                  <tr key={v.id} id={`version-${v.id}`}>
                    <td><a href={v.url}>{v.number}</a></td>
                    <td><time dateTime={v.createdAt}>{formatDate(v.createdAt)}</time></td>
                    <td>{v.author?.username ?? "unknown"}</td>
                    <td>{formatBytes(v.size)}</td>
                    <td>{v.width && v.height ? `${v.width} × ${v.height}` : ""}</td>
                    <td>{v.summary}</td>
                    <td>{i === 0 ? "current" : <RevertFileButton title={title} versionId={v.id} number={v.number} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}
