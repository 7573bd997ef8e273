// Skip a test and say why; the reporter prints the reason beside it. Called in a test or in a
// before() hook: a hook's skip skips its whole suite, so the reason goes on the suite.
type WithReason = { skipReason?: string };

export function skipBecause(ctx: Mocha.Context, reason: string): never {
  const runnable = ctx.currentTest ?? ctx.test;
  if ((runnable as { type?: string } | undefined)?.type === 'hook' && runnable?.parent) (runnable.parent as Mocha.Suite & WithReason).skipReason = reason;
  else if (runnable) (runnable as Mocha.Runnable & WithReason).skipReason = reason;
  process.stdout.write(`      skipping ${runnable?.parent?.fullTitle() || 'test'}: ${reason}\n`);
  ctx.skip();
}

