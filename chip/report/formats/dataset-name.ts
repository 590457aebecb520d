/**
 * The name a table prints for a data set (`evaluate --input PATH`): the last component of PATH (a
 * directory's or file's own name: /home/me/data/N-MNIST/Test → "Test", ./shd_test.h5 → "shd_test.h5"), so
 * a machine's local paths stay out of the tables a paper quotes (audit F12). dataset.json keeps PATH as
 * given (`dataset.path`, provenance). A path whose last component names no folder ("/", ".", "..") is
 * printed as given.
 */
export function datasetDisplayName(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, "");
  const last = trimmed.slice(Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\")) + 1);
  return last === "" || last === "." || last === ".." ? path : last;
}
