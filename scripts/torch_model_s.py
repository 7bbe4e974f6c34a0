#!/usr/bin/env python3
"""Model S in PyTorch on the CPU: the peer that scripts/bench.sh --peer measures the project against.

The same network as org.imgpipe.model.ModelS (Rescaling 1/255, four 3x3 valid convolutions with
ReLU and batch norm, two 2x2 max-pools, dropout 0.5, dense 512 ReLU, dense 10; 1,886,282
parameters with the batch norms' moving statistics), the same optimizer settings (RMSProp lr 1e-3,
rho 0.9, eps 1e-7; PyTorch adds eps outside the square root, Keras and DL4J inside: no matter for
speed) and the same Keras-style L1/L2 penalties added to the loss each step, on the same kind of
input (batches of 32 NCHW float images in 0..255). One call measures one figure once and prints one line: `<figure> <images/s>`.

Usage: torch_model_s.py train|infer --threads N [--steps S] [--warmup W] [--batch B]
Exit 3 with a one-line reason on stderr when PyTorch cannot be imported.
"""
import argparse
import sys
import time

try:
    import torch
    from torch import nn
except ImportError as e:  # the caller prints the reason and skips the peer
    print("PyTorch not importable: %s" % e, file=sys.stderr)
    sys.exit(3)


class ModelS(nn.Module):
    """Keras' Model S; BatchNorm momentum 0.01 is Keras' 0.99 in PyTorch's convention."""

    def __init__(self, classes=10):
        super().__init__()

        def conv(cin, cout):
            return [nn.Conv2d(cin, cout, 3), nn.ReLU(inplace=True), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01)]

        self.features = nn.Sequential(*conv(3, 32), *conv(32, 64), nn.MaxPool2d(2),
                                      *conv(64, 128), *conv(128, 128), nn.MaxPool2d(2))
        self.dense = nn.Linear(3200, 512)
        self.out = nn.Linear(512, classes)
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.5), self.dense, nn.ReLU(inplace=True), self.out)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.head(self.features(x * (1.0 / 255.0)))

    def penalty(self):
        """Keras' kernel regularizers: l1*sum|w| + l2*sum(w^2); 1e-5/1e-4 on convs, 1e-3/1e-2 on dense."""
        total = 0.0
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                total = total + 1e-5 * m.weight.abs().sum() + 1e-4 * m.weight.pow(2).sum()
            elif isinstance(m, nn.Linear):
                total = total + 1e-3 * m.weight.abs().sum() + 1e-2 * m.weight.pow(2).sum()
        return total


def batches(count, batch, seed=1):
    g = torch.Generator().manual_seed(seed)
    xs = [torch.rand(batch, 3, 32, 32, generator=g) * 255 for _ in range(count)]
    ys = [torch.randint(0, 10, (batch,), generator=g) for _ in range(count)]
    return xs, ys


def train(steps, warmup, batch):
    model = ModelS().train()
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    xs, ys = batches(8, batch)

    def step(i):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xs[i % 8]), ys[i % 8]) + model.penalty()
        loss.backward()
        opt.step()

    for i in range(warmup):
        step(i)
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    return steps * batch / (time.perf_counter() - start)


def infer(steps, warmup, batch):
    model = ModelS().eval()
    x = batches(1, batch)[0][0]
    with torch.inference_mode():
        for _ in range(warmup):
            model(x)
        start = time.perf_counter()
        for _ in range(steps):
            model(x).softmax(1)
    return steps * batch / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("figure", choices=["train", "infer"])
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--batch", type=int)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    if a.figure == "train":
        rate = train(a.steps, a.warmup, a.batch or 32)
    else:
        rate = infer(a.steps, a.warmup, a.batch or 256)
    print("%s %.1f" % (a.figure, rate))


if __name__ == "__main__":
    main()
