// Skip a test and say why; the reporter prints the reason beside it.
export function skipBecause(ctx: Mocha.Context, reason: string): never {
  const test = ctx.currentTest ?? ctx.test;
  if (test) (test as Mocha.Runnable & { skipReason?: string }).skipReason = reason;
  ctx.skip();
}
