import assert from 'node:assert/strict';
import { buildDirFor, runsDirFor, userCacheDir, type LayoutEnv } from './layout.ts';

const HOME = '/home/u';
const PKG = '/src/brownout';

describe('layout', () => {
  const builds: [string, LayoutEnv, boolean, string][] = [
    ['checkout: <repo>/build, as before', {}, true, '/src/brownout/build'],
    ['checkout: BROWNOUT_BUILD_DIR wins', { BROWNOUT_BUILD_DIR: '/b' }, true, '/b'],
    ['checkout: an explicit BROWNOUT_CACHE wins over <repo>/build', { BROWNOUT_CACHE: '/c' }, true, '/c'],
    ['checkout: XDG_CACHE_HOME alone does not move <repo>/build', { XDG_CACHE_HOME: '/x' }, true, '/src/brownout/build'],
    ['installed: ~/.cache/brownout by default', {}, false, '/home/u/.cache/brownout'],
    ['installed: $XDG_CACHE_HOME/brownout', { XDG_CACHE_HOME: '/x' }, false, '/x/brownout'],
    ['installed: a relative XDG_CACHE_HOME is ignored (XDG spec)', { XDG_CACHE_HOME: 'rel' }, false, '/home/u/.cache/brownout'],
    ['installed: BROWNOUT_CACHE wins over XDG_CACHE_HOME', { BROWNOUT_CACHE: '/c', XDG_CACHE_HOME: '/x' }, false, '/c'],
    ['installed: BROWNOUT_BUILD_DIR wins over everything', { BROWNOUT_BUILD_DIR: '/b', BROWNOUT_CACHE: '/c', XDG_CACHE_HOME: '/x' }, false, '/b'],
  ];
  for (const [name, env, fromSource, want] of builds) {
    it(`layout - builds: ${name}`, () => assert.equal(buildDirFor(env, fromSource, PKG, HOME), want));
  }

  const runs: [string, LayoutEnv, boolean, string][] = [
    ['checkout: <repo>/runs, wherever the command starts', {}, true, '/src/brownout/runs'],
    ['installed: ./runs of the folder the command starts in', {}, false, '/work/project/runs'],
    ['installed: BROWNOUT_RUNS_DIR wins', { BROWNOUT_RUNS_DIR: '/r' }, false, '/r'],
    ['checkout: BROWNOUT_RUNS_DIR wins', { BROWNOUT_RUNS_DIR: '/r' }, true, '/r'],
  ];
  for (const [name, env, fromSource, want] of runs) {
    it(`layout - runs: ${name}`, () => assert.equal(runsDirFor(env, fromSource, PKG, '/work/project'), want));
  }

  it('layout - a relative BROWNOUT_CACHE is taken from the current folder', () => {
    assert.equal(userCacheDir({ BROWNOUT_CACHE: 'cache' }, HOME), `${process.cwd()}/cache`);
  });
});
