/** The AerchipError that `f` throws; fails the test when it returns, or throws anything else (a raw exception escaped). */
import { AerchipError } from "../../core/diagnostics.ts";

export function errorOf(f: () => unknown): AerchipError {
  try {
    f();
  } catch (e) {
    if (e instanceof AerchipError) return e;
    throw new Error(`raw exception escaped: ${String(e)}`);
  }
  throw new Error("expected an AerchipError");
}
