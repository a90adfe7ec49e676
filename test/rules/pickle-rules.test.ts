import { RuleTester } from '../../src/rules/rule-tester.js';
import dangerousGlobal from '../../src/rules/pickle/dangerous-global.js';
import unknownGlobal from '../../src/rules/pickle/unknown-global.js';
import unresolvedCallable from '../../src/rules/pickle/unresolved-callable.js';
import nestedPayload from '../../src/rules/pickle/nested-payload.js';
import malformed from '../../src/rules/pickle/malformed.js';
import resourceLimit from '../../src/rules/pickle/resource-limit.js';
import globalMutation from '../../src/rules/pickle/global-mutation.js';
import preferSafetensors from '../../src/rules/pickle/prefer-safetensors.js';
import unexpectedPersistentId from '../../src/rules/pickle/unexpected-persistent-id.js';
import { call, imp, pickleArtifact } from '../helpers/artifacts.js';

const tester = new RuleTester();
const torchState = { imports: [imp('collections', 'OrderedDict'), imp('torch._utils', '_rebuild_tensor_v2', 30), imp('torch', 'FloatStorage', 60)], calls: [call('collections', 'OrderedDict', 5), call('torch._utils', '_rebuild_tensor_v2', 90)] };

tester.run('pickle/dangerous-global', dangerousGlobal, {
  valid: [
    { name: 'a torch state_dict pickle', artifact: pickleArtifact('sd.pkl', torchState) },
    { name: 'an unknown global is not this rule', artifact: pickleArtifact('p.pkl', { imports: [imp('builtins', 'print')] }) },
  ],
  invalid: [
    {
      name: 'os.system called through REDUCE',
      artifact: pickleArtifact('evil.pkl', { imports: [imp('os', 'system', 2)], calls: [call('os', 'system', 14)] }),
      findings: [{ severity: 'critical', message: /^loading calls os\.system/, evidence: { module: 'os', name: 'system', called: true } }],
    },
    {
      name: 'posix alias, imported only',
      artifact: pickleArtifact('evil.pkl', { imports: [imp('posix', 'system')] }),
      findings: [{ severity: 'critical', message: /^loading imports .*system/ }],
    },
    {
      name: 'dotted name through an innocent module',
      artifact: pickleArtifact('evil.pkl', { imports: [imp('pathlib', 'os.system', 2, 'STACK_GLOBAL')], calls: [call('pathlib', 'os.system')] }),
      findings: [{ severity: 'critical', message: /loading calls os\.system \(reached through pathlib\.os\.system\)/ }],
    },
    {
      name: 'the same global named twice is one finding with a count',
      artifact: pickleArtifact('evil.pkl', { imports: [imp('os', 'getcwd', 2), imp('os', 'getcwd', 40, 'STACK_GLOBAL')] }),
      findings: [{ severity: 'critical', evidence: { count: 2, via: ['GLOBAL', 'STACK_GLOBAL'] } }],
    },
    {
      name: 'a user allowlist cannot override the denylist',
      artifact: pickleArtifact('evil.pkl', { imports: [imp('os', 'getcwd')] }),
      settings: { allowedGlobals: ['os.*'] },
      findings: [{ severity: 'critical' }],
    },
  ],
});

tester.run('pickle/unknown-global', unknownGlobal, {
  valid: [
    { name: 'torch state_dict', artifact: pickleArtifact('sd.pkl', torchState) },
    { name: 'a class the user allowlisted', artifact: pickleArtifact('m.pkl', { imports: [imp('mypkg.layers', 'Custom')] }), settings: { allowedGlobals: ['mypkg.layers.Custom'] } },
    { name: 'a module the user allowlisted', artifact: pickleArtifact('m.pkl', { imports: [imp('mypkg.layers', 'Other')] }), settings: { allowedGlobals: ['mypkg.layers.*'] } },
  ],
  invalid: [
    {
      name: 'builtins.print is not known-safe',
      artifact: pickleArtifact('p.pkl', { imports: [imp('builtins', 'print')], calls: [call('builtins', 'print')] }),
      findings: [{ severity: 'high', message: 'loading calls builtins.print, which is not on the allowlist of known-safe globals' }],
    },
    {
      name: 'a custom class',
      artifact: pickleArtifact('m.pkl', { imports: [imp('mypkg.layers', 'Custom')] }),
      findings: [{ severity: 'high', message: /imports mypkg\.layers\.Custom/ }],
    },
  ],
});

tester.run('pickle/unresolved-callable', unresolvedCallable, {
  valid: [
    { name: 'resolved calls only', artifact: pickleArtifact('sd.pkl', torchState) },
    { name: 'torch persistent ids are the loader\'s business', artifact: pickleArtifact('sd.pkl', { calls: [{ via: 'BINPERSID', offset: 40, target: { kind: 'unresolved', reason: 'persistent_load is loader-defined' } }] }) },
  ],
  invalid: [
    {
      name: 'STACK_GLOBAL fed by a memo slot never stored, reported once even if also a call',
      artifact: pickleArtifact('x.pkl', {
        unresolved: [{ via: 'STACK_GLOBAL', offset: 9, reason: 'module operand comes from memo slot 7, which was never stored' }],
        calls: [{ via: 'REDUCE', offset: 9, target: { kind: 'unresolved', reason: 'callee unknown' } }, { via: 'OBJ', offset: 30, target: { kind: 'unresolved', reason: 'callee is the result of a call' } }],
      }),
      findings: [
        { severity: 'high', message: /STACK_GLOBAL.*memo slot 7/ },
        { severity: 'high', message: /\(OBJ\): callee is the result of a call/ },
      ],
    },
  ],
});

tester.run('pickle/nested-payload', nestedPayload, {
  valid: [{ name: 'literal nested bytes are analysed as a child instead', artifact: pickleArtifact('n.pkl', { nested: [{ via: 'pickle.loads', offset: 3, literal: true, length: 20 }] }) }],
  invalid: [
    {
      name: 'computed bytes handed to pickle.loads',
      artifact: pickleArtifact('n.pkl', { nested: [{ via: 'pickle.loads', offset: 3, literal: false }] }),
      findings: [{ severity: 'high', message: /computed at load time to pickle\.loads/ }],
    },
  ],
});

tester.run('pickle/malformed', malformed, {
  valid: [{ name: 'a clean stream', artifact: pickleArtifact('ok.pkl') }, { name: 'budget anomalies belong to resource-limit', artifact: pickleArtifact('b.pkl', { anomalies: [{ code: 'pickle/budget-exceeded', message: 'x' }] }) }],
  invalid: [
    {
      name: 'truncated after the payload',
      artifact: pickleArtifact('t.pkl', { anomalies: [{ code: 'pickle/truncated', message: 'stream ends inside BINUNICODE at offset 40', offset: 40 }] }),
      findings: [{ severity: 'high', message: 'stream ends inside BINUNICODE at offset 40', evidence: { code: 'pickle/truncated' } }],
    },
  ],
});

tester.run('pickle/resource-limit', resourceLimit, {
  valid: [{ name: 'no budget hit', artifact: pickleArtifact('ok.pkl', { anomalies: [{ code: 'pickle/truncated', message: 'x' }] }) }],
  invalid: [
    {
      name: 'opcode budget',
      artifact: pickleArtifact('big.pkl', { anomalies: [{ code: 'pickle/budget-exceeded', message: 'stopped after 10000000 opcodes', detail: { budget: 'maxOpcodes' } }] }),
      findings: [{ severity: 'high', evidence: { budget: 'maxOpcodes' } }],
    },
  ],
});

tester.run('pickle/global-mutation', globalMutation, {
  valid: [{ name: 'no BUILD on globals', artifact: pickleArtifact('ok.pkl') }],
  invalid: [
    {
      name: 'BUILD on numpy.prod',
      artifact: pickleArtifact('g.pkl', { anomalies: [{ code: 'pickle/build-on-global', message: 'BUILD sets state on the global numpy.prod', offset: 12 }] }),
      findings: [{ severity: 'high', message: /numpy\.prod/ }],
    },
  ],
});

tester.run('pickle/prefer-safetensors', preferSafetensors, {
  valid: [{ name: 'a nested pickle is not a weights file', artifact: { ...pickleArtifact('outer.pkl'), format: 'unknown', children: [pickleArtifact('outer.pkl!inner')] } as never }],
  invalid: [{ name: 'a top-level pickle', artifact: pickleArtifact('model.pkl'), findings: [{ severity: 'low', message: /prefer safetensors/ }] }],
});

const persid = (persistentType: string | undefined, via: 'PERSID' | 'BINPERSID' = 'BINPERSID') => ({
  via,
  offset: 40,
  target: { kind: 'unresolved' as const, reason: 'persistent_load is loader-defined' },
  ...(persistentType !== undefined ? { persistentType } : {}),
});

tester.run('pickle/unexpected-persistent-id', unexpectedPersistentId, {
  valid: [
    {
      name: "torch ('storage', …) ids inside a checkpoint",
      artifact: {
        path: 'm.pt',
        format: 'pytorch-zip',
        size: 10,
        anomalies: [],
        torch: { archiveName: 'archive', records: [], codeFiles: [], pickleMembers: [] },
        children: [pickleArtifact('m.pt!archive/data.pkl', { calls: [persid('storage')] })],
      } as never,
    },
  ],
  invalid: [
    { name: 'a storage id in a plain pickle', artifact: pickleArtifact('p.pkl', { calls: [persid('storage')] }), findings: [{ severity: 'high', message: /outside a torch checkpoint/ }] },
    { name: 'a foreign tuple id', artifact: pickleArtifact('p.pkl', { calls: [persid('modelvet')] }), findings: [{ message: /persistent id type 'modelvet'/ }] },
    { name: 'a computed id', artifact: pickleArtifact('p.pkl', { calls: [persid(undefined, 'PERSID')] }), findings: [{ message: /a computed persistent id to persistent_load; outside/ }] },
    { name: 'many ids of one type are one finding', artifact: pickleArtifact('p.pkl', { calls: [persid('x'), persid('x'), persid('y')] }), findings: [{ message: /'x' to persistent_load \(2 times\)/, evidence: { count: 2 } }, { evidence: { persistentType: 'y', count: 1 } }] },
  ],
});
