"""Makes the real checkpoints in this folder (needs torch; made with torch 2.13.0+cpu).

torch.save names the archive folder after the file: `torch-save/…`, `torchscript/…`.
"""
import torch


class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 2)
        self.register_buffer("offset", torch.ones(3))

    def forward(self, x):
        return self.linear(x) + 1


torch.manual_seed(0)
torch.save({"weight": torch.ones(2), "bias": torch.zeros(3)}, "torch-save.pt")
torch.jit.save(torch.jit.script(Small()), "torchscript.pt")
