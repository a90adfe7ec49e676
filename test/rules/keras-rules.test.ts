import { expect } from 'chai';
import { RuleTester } from '../../src/rules/rule-tester.js';
import customObject from '../../src/rules/keras/custom-object.js';
import lambdaLayer from '../../src/rules/keras/lambda-layer.js';
import malformed from '../../src/rules/keras/malformed.js';
import unsafeConfig from '../../src/rules/keras/unsafe-config.js';
import { RULES } from '../../src/rules/keras/index.js';
import { BUILTIN_RULES } from '../../src/rules/builtin.js';
import { inspectKerasConfig } from '../../src/parsers/keras/config.js';
import type { Hdf5Artifact, KerasArtifact } from '../../src/parsers/keras/types.js';
import type { Anomaly, Artifact } from '../../src/types.js';

const tester = new RuleTester();

function kerasZip(anomalies: Anomaly[] = []): KerasArtifact {
  return { path: 'm.keras', format: 'keras', size: 1000, anomalies, children: [], keras: { objects: [], members: ['config.json'] } };
}

function h5(anomalies: Anomaly[] = []): Hdf5Artifact {
  return { path: 'm.h5', format: 'hdf5', size: 1000, anomalies, children: [], hdf5: { hasModelConfig: true } };
}

/** What the inspector reports for a config, on a .keras artifact. */
const inspected = (config: unknown): KerasArtifact => kerasZip(inspectKerasConfig(config).anomalies);
const layers = (...list: unknown[]) => ({ module: 'keras', class_name: 'Functional', config: { layers: list } });
const LAMBDA_CODE = '4wEAAAAAAAAAAAAAAAEAAAADAAAA8wYAAACXAHwAUwApAU6pACkB2gF4cwEAAAAg+gg8c3RyaW5nPvoIPGxhbWJkYT5yBQAAAAMAAABzBgAAAIAAsAGAAPMAAAAA'; // marshal.dumps((lambda x: x).__code__), CPython 3.11

describe('keras rules', () => {
  it('are registered as built-ins, each with docs', () => {
    expect(RULES.map((r) => r.meta.id)).to.deep.equal(['keras/lambda-layer', 'keras/unsafe-config', 'keras/custom-object', 'keras/malformed']);
    for (const rule of RULES) {
      expect(BUILTIN_RULES).to.include(rule);
      expect(rule.meta.docs.description.length).to.be.greaterThan(40);
      expect(rule.meta.docs.example).to.be.a('string').and.not.equal('');
      expect(rule.meta.docs.fix).to.be.a('string').and.not.equal('');
    }
  });
});

tester.run('keras/lambda-layer', lambdaLayer, {
  valid: [
    { name: 'a clean config', artifact: inspected(layers({ module: 'keras.layers', class_name: 'Dense', config: { name: 'd', units: 2 } })) },
    { name: 'a Lambda whose function is a Keras function (no bytecode)', artifact: inspected(layers({ module: 'keras.layers', class_name: 'Lambda', config: { name: 'l', function: { module: 'keras.activations', class_name: 'function', config: 'relu' } } })) },
  ],
  invalid: [
    {
      name: 'a keras 3 Lambda',
      artifact: inspected(layers({ module: 'keras.layers', class_name: 'Lambda', config: { name: 'l', function: { class_name: '__lambda__', config: { code: LAMBDA_CODE } } } })),
      findings: [{ severity: 'critical', message: /^loading runs Python bytecode from the file: Lambda layer "l"/, evidence: { code: 'keras/lambda', form: 'keras3' } }],
    },
    {
      name: 'a legacy Lambda on an HDF5 artifact',
      artifact: h5(inspectKerasConfig({ class_name: 'Lambda', config: { name: 'old', function: [LAMBDA_CODE, null, null], function_type: 'lambda' } }).anomalies),
      findings: [{ severity: 'critical', evidence: { code: 'keras/lambda', form: 'legacy-list', layer: 'old' } }],
    },
    {
      name: 'on another family\'s artifact (keras_metadata.pb in a SavedModel)',
      artifact: { path: 'sm/keras_metadata.pb', format: 'tf-savedmodel', size: 10, anomalies: inspectKerasConfig({ class_name: 'Lambda', config: { name: 'tf', function: LAMBDA_CODE, function_type: 'lambda' } }, 'keras_metadata.pb node 1').anomalies, children: [] } as unknown as Artifact,
      findings: [{ severity: 'critical', message: /keras_metadata\.pb node 1/ }],
    },
  ],
});

tester.run('keras/unsafe-config', unsafeConfig, {
  valid: [
    { name: 'a Lambda is the other rule', artifact: inspected(layers({ module: 'keras.layers', class_name: 'Lambda', config: { name: 'l', function: { class_name: '__lambda__', config: { code: LAMBDA_CODE } } } })) },
    { name: 'an inline vocabulary', artifact: inspected(layers({ module: 'keras.layers', class_name: 'StringLookup', config: { name: 's', vocabulary: ['a'] } })) },
  ],
  invalid: [
    {
      name: 'a function from os (CVE-2025-1550)',
      artifact: inspected(layers({ module: 'os', class_name: 'function', config: 'system', registered_name: 'system', inbound_nodes: [{ args: ['echo modelvet'], kwargs: {} }] })),
      findings: [{ severity: 'critical', message: /^loading calls os\.system .*calls it with "echo modelvet".*CVE-2025-1550/, evidence: { code: 'keras/foreign-function', module: 'os', name: 'system' } }],
    },
    {
      name: 'get_file and enable_unsafe_deserialization',
      artifact: inspected(layers(
        { module: 'keras.config', class_name: 'function', config: 'enable_unsafe_deserialization' },
        { module: 'keras.utils', class_name: 'function', config: 'get_file', inbound_nodes: [{ args: ['x', 'https://example.invalid/x.tar.gz'] }] },
      )),
      findings: [
        { severity: 'critical', message: /CVE-2025-9906/, evidence: { code: 'keras/enable-unsafe-deserialization' } },
        { severity: 'critical', message: /keras\.utils\.get_file.*"https:\/\/example\.invalid\/x\.tar\.gz"/, evidence: { code: 'keras/non-modeling-api', url: 'https://example.invalid/x.tar.gz' } },
      ],
    },
    {
      name: 'TFSMLayer and TorchModuleWrapper',
      artifact: inspected(layers(
        { module: 'keras.layers', class_name: 'TFSMLayer', config: { name: 't', filepath: '/models/evil' } },
        { module: 'keras.layers', class_name: 'TorchModuleWrapper', config: { name: 'w', module: 'UEsDBA==' } },
      )),
      findings: [
        { severity: 'critical', message: /TFSMLayer "t" .*"\/models\/evil"/, evidence: { code: 'keras/tfsm-layer', filepath: '/models/evil' } },
        { severity: 'critical', message: /TorchModuleWrapper "w"/, evidence: { code: 'keras/torch-module' } },
      ],
    },
    {
      name: 'file reads are high: a vocabulary path and an HDF5 external link',
      artifact: kerasZip([
        ...inspectKerasConfig(layers({ module: 'keras.layers', class_name: 'StringLookup', config: { name: 's', vocabulary: '/etc/passwd' } })).anomalies,
        { code: 'keras/h5-external-link', message: 'loading follows the HDF5 external link "/w" into the file "/etc/x.h5"', detail: { at: '/w', file: '/etc/x.h5', target: '/' } },
      ]),
      findings: [
        { severity: 'high', message: /reads its vocabulary from "\/etc\/passwd"/, evidence: { code: 'keras/external-file', kind: 'an absolute path' } },
        { severity: 'high', message: /external link/, evidence: { code: 'keras/h5-external-link', file: '/etc/x.h5' } },
      ],
    },
  ],
});

tester.run('keras/custom-object', customObject, {
  valid: [
    { name: 'Keras objects only', artifact: inspected(layers({ module: 'keras.layers', class_name: 'Dense', config: { name: 'd' } }, { module: 'keras_hub.src.models.bert.bert_backbone', class_name: 'BertBackbone', config: {}, registered_name: 'keras_hub>BertBackbone' })) },
    { name: 'a foreign function is unsafe-config, not custom', artifact: inspected(layers({ module: 'subprocess', class_name: 'function', config: 'run' })) },
  ],
  invalid: [
    {
      name: 'a registered custom layer',
      artifact: inspected(layers({ module: null, class_name: 'Scale', config: { name: 's' }, registered_name: 'mypkg>Scale' })),
      findings: [{ severity: 'high', message: /^loading needs custom code: "Scale" at config\.layers\[0\] is registered as "mypkg>Scale"/, evidence: { code: 'keras/custom-object', registeredName: 'mypkg>Scale', count: 1 } }],
    },
  ],
});

tester.run('keras/malformed', malformed, {
  valid: [{ name: 'a clean model', artifact: h5() }],
  invalid: [
    {
      name: 'unreadable HDF5, a bad config, a limit',
      artifact: h5([
        { code: 'keras/h5-unreadable', message: 'the HDF5 file cannot be read (H5F__super_read(): truncated file)' },
        { code: 'keras/bad-config', message: 'model_config is not valid JSON' },
        { code: 'keras/config-limit', message: 'not fully analysed: nesting' },
        { code: 'keras/h5-not-opened', message: 'not fully analysed: too large' },
      ]),
      findings: [
        { severity: 'high', message: /truncated file/, evidence: { code: 'keras/h5-unreadable' } },
        { severity: 'high', evidence: { code: 'keras/bad-config' } },
        { severity: 'high', evidence: { code: 'keras/config-limit' } },
        { severity: 'high', evidence: { code: 'keras/h5-not-opened' } },
      ],
    },
  ],
});
