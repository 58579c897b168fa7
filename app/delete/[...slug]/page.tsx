import { PageActionPage, actionMetadata } from "@/app/_components/PageActionPage";

type Props = { params: Promise<{ slug: string[] }> };

export const generateMetadata = (props: Props) => actionMetadata("delete", props);

/** /delete/{slug} (see app/_components/page-action.tsx). */
export default function Page({ params }: Props) {
  return <PageActionPage action="delete" params={params} />;
}
