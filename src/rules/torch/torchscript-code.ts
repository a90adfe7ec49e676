import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'torch/torchscript-code',
    description: 'A TorchScript archive carries code that torch.jit.load compiles and runs.',
    severity: 'low',
    category: 'torch',
    appliesTo: ['torchscript'],
    docs: {
      description:
        'TorchScript archives ship their model as code (code/__torch__/*.py) that runs when the model is called, and torch.jit.load compiles it on load. TorchScript is a restricted language, but it can call any registered operator, including file I/O operators; its pickles are analysed like any other, its code is not yet.',
      example: 'model_scripted.pt with code/__torch__/model.py',
      fix: 'Load TorchScript only from publishers you trust; prefer safetensors weights with model code you control.',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'torchscript') return;
    const files = artifact.torch.codeFiles;
    yield {
      message: `TorchScript archive carries ${files.length} code file${files.length === 1 ? '' : 's'} that torch.jit.load compiles and runs`,
      evidence: { codeFiles: files.slice(0, 20), count: files.length },
    };
  },
};
export default rule;
