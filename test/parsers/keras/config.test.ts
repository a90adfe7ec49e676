import { expect } from 'chai';
import { inspectKerasConfig, inspectKerasConfigWith } from '../../../src/parsers/keras/config.js';
import { KERAS_CODES } from '../../../src/parsers/keras/codes.js';
import type { Anomaly } from '../../../src/types.js';
import { clone, kerasConfig } from './helpers.js';

type Json = Record<string, any>;

/** marshal.dumps of `lambda x: (lambda y: __import__('subprocess').run(['echo', 'modelvet']))(x)` (CPython 3.11). */
const NESTED_LAMBDA_311 =
  '4wEAAAAAAAAAAAAAAAMAAAADAAAA8xoAAACXAAIAZAGEAHwApgEAAKsBAAAAAAAAAABTACkCTmMBAAAAAAAAAAAAAAAEAAAAEwAAAPNKAAAAlwB0AQAAAAAAAAAAAABkAaYBAACrAQAAAAAAAAAAoAEAAAAAAAAAAAAAAAAAAAAAAAAAAGQCZANnAqYBAACrAQAAAAAAAAAAUwApBE7aCnN1YnByb2Nlc3PaBGVjaG/aCG1vZGVsdmV0KQLaCl9faW1wb3J0X1/aA3J1bikB2gF5cwEAAAAg+gg8c3RyaW5nPvoIPGxhbWJkYT56GjxsYW1iZGE+Ljxsb2NhbHM+LjxsYW1iZGE+AwAAAHMhAAAAgACdGqBM0Rkx1Bkx1xk10hk1sHa4etA2StEZS9QZS4AA8wAAAACpACkB2gF4cwEAAAAgcgkAAAByCgAAAHIKAAAAAwAAAHMVAAAAgADQD0vQD0vQD0vIUdEOT9QOT4AAcgsAAAA=';

const BENIGN = ['benign/keras/sequential.keras', 'benign/keras/functional.keras', 'benign/keras/string-lookup.keras'];

const codes = (anomalies: Anomaly[]): string[] => anomalies.map((a) => a.code);
const only = (anomalies: Anomaly[], code: string): Anomaly[] => anomalies.filter((a) => a.code === code);

/** A Keras 3 layer object. */
const layer = (className: string, config: Json, extra: Json = {}): Json => ({ module: 'keras.layers', class_name: className, config, registered_name: null, ...extra });
/** A Functional model config around the given layers. */
const model = (...layers: Json[]): Json => ({ module: 'keras', class_name: 'Functional', config: { name: 'm', layers }, registered_name: 'Functional' });
const fnObject = (module: string | null, name: string, extra: Json = {}): Json => ({ module, class_name: 'function', config: name, registered_name: name, ...extra });
const lambdaFn = (code: string): Json => ({ class_name: '__lambda__', config: { code, defaults: null, closure: null } });

describe('inspectKerasConfig', () => {
  describe('configs saved by keras are clean', () => {
    for (const rel of BENIGN) {
      it(rel, async () => {
        const result = inspectKerasConfig(await kerasConfig(rel));
        expect(result.anomalies, JSON.stringify(result.anomalies, null, 1)).to.deep.equal([]);
        expect(result.objects.length).to.be.greaterThan(3);
        expect(result.configFormat).to.equal('keras3');
      });
    }

    it('lists every object with its path, module and layer name', async () => {
      const { objects, modelClass } = inspectKerasConfig(await kerasConfig('benign/keras/functional.keras'));
      expect(modelClass).to.equal('Functional');
      expect(objects[0]).to.deep.include({ at: '', className: 'Functional', module: 'keras.src.models.functional' });
      const lstm = objects.find((o) => o.className === 'LSTM');
      expect(lstm).to.deep.include({ module: 'keras.layers' });
      expect(lstm!.at).to.match(/^config\.layers\[\d+\]$/);
      expect(lstm!.name).to.match(/^lstm/);
    });
  });

  describe('Lambda bytecode', () => {
    it('a keras 3 Lambda: critical code, the names its bytecode uses', async () => {
      const { anomalies } = inspectKerasConfigWith(await kerasConfig('malicious/keras/lambda-getcwd.keras'), { at: 'config.json', container: 'keras' });
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.lambda]);
      expect(anomalies[0].message).to.match(/^loading runs Python bytecode from the file: Lambda layer "lambda_\d+" at config\.json config\.layers\[1\]\.config\.function is a marshalled function \(its code uses os, getcwd\)/);
      expect(anomalies[0].detail).to.deep.include({ form: 'keras3', names: ['os', 'getcwd'] });
    });

    it('inside TimeDistributed inside a nested model', async () => {
      const { anomalies } = inspectKerasConfig(await kerasConfig('malicious/keras/lambda-nested.keras'));
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.lambda]);
      expect(anomalies[0].detail!.at).to.match(/config\.layers\[1\]\.config\.layers\[1\]\.config\.layer\.config\.function$/);
    });

    it('every legacy form: [code, defaults, closure], a bare code string, early keras 3 `value`, output_shape', async () => {
      const code = ((await kerasConfig('malicious/keras/lambda-getcwd.keras')) as Json).config.layers[1].config.function.config.code as string;
      const legacy = {
        class_name: 'Sequential',
        config: {
          layers: [
            { class_name: 'Lambda', config: { name: 'as_list', function: [code, null, null], function_type: 'lambda', module: '__main__', output_shape: null, output_shape_type: 'raw' } },
            { class_name: 'Lambda', config: { name: 'as_string', function: code, function_type: 'lambda' } },
            { class_name: 'Lambda', config: { name: 'shape', function: 'relu', function_type: 'function', output_shape: [code, null, null], output_shape_type: 'lambda' } },
            layer('Lambda', { name: 'early', function: { class_name: '__lambda__', config: { value: [code, null, null] } } }),
            // keras 3's legacy loader turns any list `function` into bytecode, function_type or not.
            { class_name: 'Lambda', config: { name: 'no_type', function: [code, null, null], function_type: 'raw' } },
          ],
        },
      };
      const { anomalies, configFormat } = inspectKerasConfigWith(legacy, { at: 'model_config', container: 'h5' });
      expect(configFormat).to.equal('legacy');
      expect(codes(anomalies)).to.deep.equal(Array(5).fill(KERAS_CODES.lambda));
      expect(anomalies.map((a) => a.detail!.form)).to.deep.equal(['legacy-list', 'legacy-string', 'legacy-list', 'keras3-value', 'legacy-list']);
      expect(anomalies.map((a) => a.detail!.layer)).to.deep.equal(['as_list', 'as_string', 'shape', 'early', 'no_type']);
      for (const a of anomalies) {
        expect(a.detail!.names).to.deep.equal(['os', 'getcwd']);
        expect(a.message).to.include('CVE-2025-9905');
      }
    });

    it('a serialized lambda anywhere (an activation) names the layer that holds it', () => {
      const config = model(layer('Dense', { name: 'dense', units: 2, activation: lambdaFn(NESTED_LAMBDA_311) }));
      const { anomalies } = inspectKerasConfig(config);
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.lambda]);
      expect(anomalies[0].message).to.match(/the Dense layer "dense" at config\.layers\[0\]\.config\.activation/);
      // Names of the inner lambda too: the whole code-object tree is walked.
      expect(anomalies[0].detail!.names).to.deep.equal(['__import__', 'run']);
      expect(anomalies[0].detail!.strings).to.include.members(['subprocess', 'echo', 'modelvet']);
    });

    it('code that is not marshal data is still critical, with why names are missing', () => {
      const { anomalies } = inspectKerasConfig(model(layer('Lambda', { name: 'l', function: lambdaFn('bm90IG1hcnNoYWw=') })));
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.lambda]);
      expect(anomalies[0].detail!.undecoded).to.be.a('string');
      expect(anomalies[0].message).not.to.include('its code uses');
    });

    it('the tf.keras SavedModel wording when called with a location (keras_metadata.pb)', () => {
      const { anomalies } = inspectKerasConfig({ class_name: 'Lambda', config: { name: 'l', function: [NESTED_LAMBDA_311, null, null], function_type: 'lambda' } }, 'keras_metadata.pb node 3 (root.layer-1)');
      expect(anomalies[0].message).to.include('at keras_metadata.pb node 3 (root.layer-1) config.function');
      expect(anomalies[0].message).to.include('without any safe_mode check');
    });

    it('reports the first 100 Lambdas one by one and says there are more', () => {
      const layers = Array.from({ length: 150 }, (_, i) => layer('Lambda', { name: `l${i}`, function: lambdaFn(NESTED_LAMBDA_311) }));
      const { anomalies } = inspectKerasConfig(model(...layers));
      expect(anomalies).to.have.length(101);
      expect(anomalies[100].message).to.match(/^loading runs Python bytecode from the file: the config at \(root\) holds 150 findings of this kind \(keras\/lambda\); the first 100 are reported one by one$/);
    });

    it('every kind of finding is capped the same way (a million gadgets do not make a million findings)', () => {
      const many = Array.from({ length: 5000 }, (_, i) => fnObject('os', `f${i}`));
      const { anomalies } = inspectKerasConfig(model(...many));
      expect(anomalies).to.have.length(101);
      expect(anomalies[100].detail).to.deep.equal({ count: 5000, listed: 100 });
    });
  });

  describe('functions and classes from outside Keras (CVE-2025-1550)', () => {
    it('a function object from os, called by the model graph', async () => {
      const { anomalies } = inspectKerasConfig(await kerasConfig('malicious/keras/function-os-getcwd.keras'));
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.foreignFunction]);
      expect(anomalies[0].message).to.match(/^loading calls os\.getcwd \(process execution and file\/environment access\): the function object at config\.layers\[1\]/);
      expect(anomalies[0].detail).to.deep.include({ module: 'os', name: 'getcwd', cve: 'CVE-2025-1550' });
    });

    it('builtins.print with its literal arguments', async () => {
      const { anomalies } = inspectKerasConfig(await kerasConfig('malicious/keras/function-builtins-print.keras'));
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.foreignFunction]);
      expect(anomalies[0].message).to.include('loading calls builtins.print').and.include('calls it with "modelvet"');
    });

    it("keras's own functions are not flagged (activations by name, keras.* modules)", () => {
      const config = model(
        layer('Dense', { name: 'a', activation: fnObject('builtins', 'relu', { registered_name: 'function' }) }),
        layer('Dense', { name: 'b', activation: fnObject('keras.activations', 'gelu') }),
        layer('Dense', { name: 'c', activation: fnObject('keras.src.activations.activations', 'silu') }),
      );
      expect(inspectKerasConfig(config).anomalies).to.deep.equal([]);
    });

    it('a class from a foreign module is custom code (high); one the denylist knows is critical', () => {
      const { anomalies } = inspectKerasConfig(model(
        { module: 'evil_pkg.layers', class_name: 'Backdoor', config: { name: 'b' }, registered_name: null },
        { module: 'subprocess', class_name: 'Popen', config: { name: 'p' }, registered_name: null },
      ));
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.foreignFunction, KERAS_CODES.customObject]);
      expect(anomalies[0].message).to.match(/^loading calls subprocess\.Popen/);
      expect(anomalies[1].message).to.match(/^loading imports evil_pkg\.layers\.Backdoor, a class outside Keras/);
    });

    it('a function object with no module named by a non-modeling API short name', () => {
      const { anomalies } = inspectKerasConfig(model(fnObject(null, 'get_file')));
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.nonModelingApi]);
    });
  });

  describe('Keras gadgets', () => {
    it('enable_unsafe_deserialization before a Lambda (CVE-2025-9906)', async () => {
      const { anomalies } = inspectKerasConfig(await kerasConfig('malicious/keras/enable-unsafe-deserialization.keras'));
      expect(codes(anomalies)).to.have.members([KERAS_CODES.unsafeDeserialization, KERAS_CODES.lambda]);
      expect(only(anomalies, KERAS_CODES.unsafeDeserialization)[0].message).to.match(/^loading calls keras\.config\.enable_unsafe_deserialization, which turns safe_mode off/);
    });

    it('enable_unsafe_deserialization named anywhere else, once', () => {
      const { anomalies } = inspectKerasConfig(model(layer('Dense', { name: 'enable_unsafe_deserialization' }), layer('Dense', { name: 'x', note: 'keras.config.enable_unsafe_deserialization' })));
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.unsafeDeserialization]);
    });

    it('keras.utils.get_file with its origin (CVE-2025-8747)', async () => {
      const { anomalies } = inspectKerasConfig(await kerasConfig('malicious/keras/get-file.keras'));
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.nonModelingApi]);
      expect(anomalies[0].message).to.include('loading calls keras.utils.get_file, which downloads a file').and.include('"http://127.0.0.1:9/x"');
      expect(anomalies[0].detail).to.deep.include({ url: 'http://127.0.0.1:9/x' });
    });

    it('get_file under its keras.src path and other non-modeling APIs', () => {
      const { anomalies } = inspectKerasConfig(model(fnObject('keras.src.utils.file_utils', 'get_file'), fnObject('keras.saving', 'load_model')));
      expect(anomalies.map((a) => a.detail!.api)).to.deep.equal(['keras.src.utils.file_utils.get_file', 'keras.saving.load_model']);
    });

    it('TFSMLayer with its filepath (CVE-2026-1462)', async () => {
      const { anomalies } = inspectKerasConfig(await kerasConfig('malicious/keras/tfsm-layer.keras'));
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.tfsmLayer]);
      expect(anomalies[0].detail).to.deep.include({ filepath: '/tmp/modelvet-fixture-nonexistent-savedmodel' });
    });

    it('TorchModuleWrapper: critical, and its pickled module handed back for analysis', async () => {
      const result = inspectKerasConfig(await kerasConfig('malicious/keras/torch-module-wrapper.keras'));
      expect(codes(result.anomalies)).to.deep.equal([KERAS_CODES.torchModule]);
      expect(result.embedded).to.have.length(1);
      expect(result.embedded[0]).to.deep.include({ kind: 'torch-module', at: 'config.layers[1].config.module' });
      expect(Buffer.from(result.embedded[0].base64, 'base64').subarray(0, 2).toString('latin1')).to.equal('PK');
    });

    for (const [value, kind] of [
      ['/dev/null', 'an absolute path'],
      ['https://example.invalid/vocab.txt', 'a URL'],
      ['gs://bucket/vocab.txt', 'a URL'],
      ['assets/../../etc/passwd', 'a path that climbs out with ..'],
      ['C:\\secrets\\vocab.txt', 'an absolute path'],
      ['vocab.txt', 'a relative path'],
    ] as const) {
      it(`a lookup vocabulary given as ${kind}: ${value} (CVE-2025-12058)`, () => {
        const { anomalies } = inspectKerasConfig(model(layer('IntegerLookup', { name: 'lookup', vocabulary: value })));
        expect(codes(anomalies)).to.deep.equal([KERAS_CODES.externalFile]);
        expect(anomalies[0].detail).to.deep.include({ path: value, kind, key: 'vocabulary' });
      });
    }

    it('the StringLookup fixture, and vocabularies that are lists are not paths', async () => {
      const { anomalies } = inspectKerasConfig(await kerasConfig('malicious/keras/string-lookup-path.keras'));
      expect(anomalies.map((a) => a.detail!.path)).to.deep.equal(['/dev/null']);
      expect(inspectKerasConfig(model(layer('TextVectorization', { name: 't', vocabulary: ['a', 'b'] }))).anomalies).to.deep.equal([]);
    });

    it('tf.keras op layers naming file or Python ops', () => {
      const { anomalies } = inspectKerasConfig({
        class_name: 'Functional',
        config: {
          layers: [
            { class_name: 'TFOpLambda', config: { name: 'w', function: 'io.write_file' } },
            { class_name: 'TFOpLambda', config: { name: 'ok', function: 'math.add' } },
            { class_name: 'TensorFlowOpLayer', config: { name: 'r', node_def: { op: 'ReadFile' } } },
          ],
        },
      });
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.tfOp, KERAS_CODES.tfOp]);
      expect(anomalies[0].message).to.include('tf.io.write_file');
      expect(anomalies[1].message).to.include('ReadFile');
    });
  });

  describe('custom objects (high)', () => {
    it('registered custom layer and activation, saved by keras', async () => {
      const { anomalies } = inspectKerasConfig(await kerasConfig('malicious/keras/custom-layer.keras'));
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.customObject, KERAS_CODES.customObject]);
      expect(anomalies.map((a) => a.message).join('\n')).to.include('"modelvet>scaled_relu"').and.include('"modelvet>Scale"');
    });

    it('legacy configs: unknown class names need custom objects; known ones and markers do not', () => {
      const { anomalies } = inspectKerasConfig({
        class_name: 'Sequential',
        config: {
          layers: [
            { class_name: 'Dense', config: { name: 'd', kernel_initializer: { class_name: 'GlorotUniform', config: {} } } },
            { class_name: 'CuDNNLSTM', config: { name: 'c' } },
            { class_name: 'MyAttention', config: { name: 'm', shape: { class_name: '__tuple__', items: [1, 2] } } },
          ],
        },
      });
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.customObject]);
      expect(anomalies[0].message).to.include('"MyAttention"');
    });

    it('KerasHub objects are Keras code', () => {
      const config = { module: 'keras_hub.src.models.gemma.gemma_causal_lm', class_name: 'GemmaCausalLM', config: { backbone: { module: 'keras_hub.src.models.gemma.gemma_backbone', class_name: 'GemmaBackbone', config: { name: 'b' }, registered_name: 'keras_hub>GemmaBackbone' } }, registered_name: 'keras_hub>GemmaCausalLM' };
      expect(inspectKerasConfig(config).anomalies).to.deep.equal([]);
    });

    it('a Keras class re-registered under a foreign name is custom', () => {
      const { anomalies } = inspectKerasConfig(model(layer('Dense', { name: 'd' }, { registered_name: 'evil>Dense' })));
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.customObject]);
    });

    it('the same custom class many times is one anomaly with a count', () => {
      const layers = Array.from({ length: 40 }, (_, i) => ({ module: null, class_name: 'Scale', config: { name: `s${i}` }, registered_name: 'pkg>Scale' }));
      const { anomalies } = inspectKerasConfig(model(...layers));
      expect(anomalies).to.have.length(1);
      expect(anomalies[0].detail).to.deep.include({ count: 40, at: 'config.layers[0]' });
      expect(anomalies[0].message).to.match(/\(40 occurrences\)$/);
    });
  });

  describe('hostile configs', () => {
    it('__proto__ and constructor keys are data: walked, never polluting', () => {
      const config = JSON.parse('{"class_name": "Functional", "config": {"layers": [], "__proto__": {"module": "os", "class_name": "function", "config": "system", "registered_name": "system"}, "constructor": {"class_name": "function", "module": "builtins", "config": "exec"}}}');
      const { anomalies } = inspectKerasConfig(config);
      expect(anomalies.map((a) => a.detail!.name)).to.deep.equal(['system', 'exec']);
      expect(({} as Json).class_name).to.equal(undefined);
      expect(({} as Json).module).to.equal(undefined);
    });

    it('an object without own keys does not pick up Object.prototype members', () => {
      expect(inspectKerasConfig({ config: { toString: 'x' } }).anomalies).to.deep.equal([]);
      expect(inspectKerasConfig({ class_name: 'Dense', config: {} }).anomalies).to.deep.equal([]);
    });

    it('nesting deeper than the limit is reported, not recursed into', () => {
      let deep: unknown = { class_name: 'function', module: 'os', config: 'system' };
      for (let i = 0; i < 5000; i++) deep = [deep];
      const { anomalies } = inspectKerasConfig({ class_name: 'Functional', config: { layers: deep } });
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.configLimit]);
      expect(anomalies[0].message).to.match(/^not fully analysed: .*nesting deeper than 1000 levels/);
    });

    it('too many nodes is reported', () => {
      const { anomalies } = inspectKerasConfigWith(model(...Array.from({ length: 50 }, (_, i) => layer('Dense', { name: `d${i}` }))), { maxNodes: 20 });
      expect(codes(anomalies)).to.deep.equal([KERAS_CODES.configLimit]);
    });

    for (const root of [null, 'config', 42, true]) {
      it(`a root that is not an object (${JSON.stringify(root)}) is a bad config`, () => {
        expect(codes(inspectKerasConfig(root).anomalies)).to.deep.equal([KERAS_CODES.badConfig]);
      });
    }

    it('the object list is capped, every object still checked', () => {
      const layers = Array.from({ length: 30 }, (_, i) => layer('Dense', { name: `d${i}` }));
      layers.push(fnObject('os', 'system'));
      const result = inspectKerasConfigWith(model(...layers), { maxObjects: 10 });
      expect(result.objects).to.have.length(10);
      expect(result.objectsTruncated).to.equal(true);
      expect(codes(result.anomalies)).to.deep.equal([KERAS_CODES.foreignFunction]);
    });

    it('identifiers from the config are escaped in messages (no terminal control characters)', () => {
      const { anomalies } = inspectKerasConfig(model(fnObject('os\u001b[2J', 'system\nFAKE'), { module: 'x\u001b]8;;', class_name: 'Y', config: {} }));
      expect(anomalies).to.have.length(2);
      for (const a of anomalies) {
        expect(a.message).not.to.match(/[\u0000-\u001f]/);
        expect(a.message).to.include('\\u001b');
      }
    });

    it('does not modify the config it is given', async () => {
      const config = await kerasConfig('malicious/keras/lambda-nested.keras');
      const before = clone(config);
      inspectKerasConfig(config);
      expect(config).to.deep.equal(before);
    });
  });
});
