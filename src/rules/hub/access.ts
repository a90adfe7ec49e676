import type { HubRepoArtifact, HubRepoInfo } from '../../check/types.js';
import type { Rule } from '../types.js';

function status(hub: HubRepoInfo): string | undefined {
  const gated =
    hub.gated === 'manual'
      ? 'gated (the publisher approves each access request by hand)'
      : hub.gated === 'auto'
        ? 'gated (access is granted once a user accepts its conditions)'
        : undefined;
  if (hub.private === true) return gated ? `private and ${gated}` : 'private';
  return gated;
}

const rule: Rule = {
  meta: {
    id: 'hub/access',
    description: 'The repo is gated or private: check read it with the token given.',
    severity: 'info',
    category: 'hub',
    appliesTo: ['hub-repo'],
    docs: {
      description:
        'A gated repo serves its files only to accounts that requested access (granted automatically or by the publisher) and accepted its conditions; a private one only to its members. check read it with the token it was given, so the result holds for that account: everyone who downloads the repo, CI included, needs the same access, and the conditions accepted may restrict use.',
      example: 'hf:meta-llama/Llama-3.1-8B, gated with manual approval',
      fix: 'Make sure every environment that downloads the repo has a token with access, and that your use fits the conditions you accepted.',
      url: 'https://huggingface.co/docs/hub/models-gated',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'hub-repo') return;
    const { hub } = artifact as HubRepoArtifact;
    const what = status(hub);
    if (!what) return;
    yield {
      message: `${hub.repo} is ${what}: check read it with the token given, and every download needs the same access`,
      evidence: { private: hub.private === true, gated: hub.gated ?? false },
    };
  },
};
export default rule;
