// The fewest tests a full `npm test` may count (typecheck included) before the closing line fails:
// a file that stops being collected, or a describe that silently loses its tests, shows up as a
// count below this. The full run counted 660 when this was set (issue 18); raise it as tests are
// added, keeping some margin for the tests other branches are still adding or removing.
export const MIN_TESTS = 620;
