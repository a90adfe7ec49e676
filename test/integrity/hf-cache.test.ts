import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachePlaceOf, defaultHfCacheDir, isCacheRoot, readRefs, repoFolderName, revisionOfSnapshot } from '../../src/integrity/hf-cache.js';
import { COMMIT } from './helpers.js';

describe('integrity: Hugging Face cache layout', () => {
  it('finds the cache as huggingface_hub does: HF_HUB_CACHE, then HF_HOME/hub, then XDG_CACHE_HOME or ~/.cache', () => {
    expect(defaultHfCacheDir({ HF_HUB_CACHE: '/a/hub', HF_HOME: '/b' }, '/home/u')).to.equal('/a/hub');
    expect(defaultHfCacheDir({ HUGGINGFACE_HUB_CACHE: '/legacy' }, '/home/u')).to.equal('/legacy');
    expect(defaultHfCacheDir({ HF_HOME: '/b' }, '/home/u')).to.equal('/b/hub');
    expect(defaultHfCacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u')).to.equal('/x/huggingface/hub');
    expect(defaultHfCacheDir({}, '/home/u')).to.equal('/home/u/.cache/huggingface/hub');
  });

  it('names repo folders and reads them back, for every repo type', () => {
    expect(repoFolderName('org/name', 'model')).to.equal('models--org--name');
    expect(repoFolderName('gpt2', 'model')).to.equal('models--gpt2');
    expect(repoFolderName('org/data', 'dataset')).to.equal('datasets--org--data');
    const place = cachePlaceOf(`/c/hub/datasets--org--data/snapshots/${COMMIT}/sub/file.json`)!;
    expect(place).to.deep.include({ cacheRoot: '/c/hub', area: 'snapshots', snapshot: COMMIT, relPath: 'sub/file.json' });
    expect(place.repo).to.deep.equal({ dir: '/c/hub/datasets--org--data', repo: 'org/data', repoType: 'dataset' });
    expect(cachePlaceOf('/c/hub/models--gpt2/blobs/abc')).to.deep.include({ area: 'blobs' });
    expect(cachePlaceOf('/home/u/project/model.bin')).to.equal(undefined);
  });

  it('reads refs (nested ones too) and the revision a snapshot was fetched as', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelvet-hfc-'));
    try {
      const repo = join(dir, 'models--org--name');
      mkdirSync(join(repo, 'refs', 'pr'), { recursive: true });
      mkdirSync(join(repo, 'snapshots', COMMIT), { recursive: true });
      writeFileSync(join(repo, 'refs', 'v1'), COMMIT);
      writeFileSync(join(repo, 'refs', 'pr', '1'), 'f'.repeat(40));
      expect(readRefs(repo)).to.deep.equal([
        { name: 'pr/1', content: 'f'.repeat(40) },
        { name: 'v1', content: COMMIT },
      ]);
      expect(revisionOfSnapshot(repo, COMMIT)).to.equal('v1');
      writeFileSync(join(repo, 'refs', 'main'), `${COMMIT}\n`);
      expect(revisionOfSnapshot(repo, COMMIT)).to.equal('main');
      expect(revisionOfSnapshot(repo, 'a'.repeat(40))).to.equal('a'.repeat(40));
      expect(isCacheRoot(dir)).to.equal(true);
      expect(isCacheRoot(repo)).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
