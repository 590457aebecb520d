/**
 * The name a table prints for a data set (`evaluate --input PATH`): the last component of PATH (a
 * directory's or file's own name: /home/me/data/N-MNIST/Test → "Test", ./shd_test.h5 → "shd_test.h5"), so
 * a machine's local paths stay out of the tables a paper quotes (audit F12). dataset.json keeps PATH as
 * given (`dataset.path`, provenance). A path whose last component names no folder ("/", ".", "..") has
 * no name of its own: evaluate then records the directory's real name (`dataset.name`, datasetOwnName),
 * which is printed instead; without one, the path is printed as given.
 */
export function datasetDisplayName(path: string, name?: string): string {
  if (name !== undefined) return name;
  const last = lastComponent(path);
  return last === "" || last === "." || last === ".." ? path : last;
}

function lastComponent(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, "");
  return trimmed.slice(Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\")) + 1);
}

/** Whether `path` has no name of its own ("/", ".", "..", "../.."): the caller resolves it to one. */
export function datasetPathHasNoName(path: string): boolean {
  const last = lastComponent(path);
  return last === "" || last === "." || last === "..";
}
