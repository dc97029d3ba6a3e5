// Two kinds of error (style.md): a UserError is something the user can fix — it carries what is wrong
// and what to do, and main prints it as two lines with exit 2. Anything else is a bug: one line, and the
// stack trace only with --debug.

export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(message: string, hint?: string, opts: { exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "UserError";
    this.hint = hint;
    this.exitCode = opts.exitCode ?? 2;
  }
}

export const isUserError = (e: unknown): e is UserError => e instanceof UserError;

/** Not an error: the command has written its output and ends with this exit code (check: 1 on a violation). */
export class ExitWith extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = "ExitWith";
  }
}
