// Container image references, checked with the grammar of distribution/reference (what kubelet and
// every registry client use), so that a typo is reported on the Provider instead of surfacing as
// an endless ImagePullBackOff.
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `${domainComponent}(?:\\.${domainComponent})*(?::[0-9]+)?`;
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${name})(?::${tag})?(?:@${digest})?$`);

/** undefined when valid, else what is wrong (for a condition message). */
export function imageReferenceProblem(reference: string): string | undefined {
  const match = REFERENCE.exec(reference);
  if (!match) {
    return `"${reference}" is not a valid image reference: expected [registry[:port]/]repository[:tag][@sha256:digest] with a lowercase repository path`;
  }
  if (match[1].length > 255) return `the repository name of "${reference}" exceeds 255 characters`;
  return undefined;
}
