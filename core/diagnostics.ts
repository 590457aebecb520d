/**
 * Diagnostics and errors with stable codes.
 *
 * Every user-facing failure is an `AerchipError` carrying a stable `code` (tests assert codes, never
 * message text), the file and field it concerns where known, and a `hint` saying what to change.
 * The CLI prints `code: message (file, field) — hint` and exits non-zero without a stack trace.
 */

export const Severity = { error: "error", warning: "warning", info: "info" } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** File the diagnostic concerns, when it comes from an input file. */
  readonly file?: string;
  /** Field path inside that file or object, e.g. `populations[2].decay`. */
  readonly field?: string;
  /** What the user should change. */
  readonly hint?: string;
  /** Byte offset inside a binary file, when known. */
  readonly byteOffset?: number;
  /**
   * Lines shown under the message, as a compiler shows the offending source line and a caret under the
   * column (learning-rule text). Kept out of `message` so that the message stays one line.
   */
  readonly excerpt?: readonly string[];
}

export interface AerchipErrorInit {
  readonly file?: string;
  readonly field?: string;
  readonly hint?: string;
  readonly byteOffset?: number;
  readonly excerpt?: readonly string[];
  readonly cause?: unknown;
}

export class AerchipError extends Error {
  readonly code: string;
  readonly file: string | undefined;
  readonly field: string | undefined;
  readonly hint: string | undefined;
  readonly byteOffset: number | undefined;
  readonly excerpt: readonly string[] | undefined;

  constructor(code: string, message: string, init: AerchipErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "AerchipError";
    this.code = code;
    this.file = init.file;
    this.field = init.field;
    this.hint = init.hint;
    this.byteOffset = init.byteOffset;
    this.excerpt = init.excerpt;
  }

  toDiagnostic(): Diagnostic {
    return {
      code: this.code,
      severity: "error",
      message: this.message,
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.byteOffset === undefined ? {} : { byteOffset: this.byteOffset }),
      ...(this.excerpt === undefined ? {} : { excerpt: this.excerpt }),
    };
  }

  /** Re-throws with a file name attached when the error did not carry one yet. */
  withFile(file: string): AerchipError {
    if (this.file !== undefined) return this;
    return new AerchipError(this.code, this.message, {
      file,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.byteOffset === undefined ? {} : { byteOffset: this.byteOffset }),
      ...(this.excerpt === undefined ? {} : { excerpt: this.excerpt }),
      cause: this.cause,
    });
  }
}

export function isAerchipError(e: unknown): e is AerchipError {
  return e instanceof AerchipError;
}

/** One line for a terminal: `E_CODE: message [file: x, field: y, byte 12] — hint`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where: string[] = [];
  if (d.file !== undefined) where.push(`file: ${oneLine(d.file)}`);
  if (d.field !== undefined) where.push(`field: ${oneLine(d.field)}`);
  if (d.byteOffset !== undefined) where.push(`byte ${d.byteOffset}`);
  let line = `${d.code}: ${oneLine(d.message)}`;
  if (where.length > 0) line += ` [${where.join(", ")}]`;
  // Each excerpt line on a line of its own (indented, escaped like the message), so a caret lines up.
  for (const l of d.excerpt ?? []) line += `\n    ${oneLine(l)}`;
  if (d.hint !== undefined) line += `\n  hint: ${oneLine(d.hint)}`;
  return line;
}

/** Control characters (C0, DEL, C1): a newline would split the one-line error, others move the cursor or switch modes. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text for one line of a diagnostic: control characters as escapes (\n, \t, \xNN). Messages can quote a
 * file's contents (JSON.parse quotes the text it failed on) or a file name, and neither may break the
 * line or reach the terminal raw.
 */
export function oneLine(text: string): string {
  return text.replace(CONTROL_CHARS, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
}
