"""PyTorch peer of bench/models.ts: the same models, batches, optimizer and data, one thread.

Run by bench/peers/pytorch.ts as a long-lived subprocess (Debian's python3-torch:
`apt-get install -y python3-torch`), so its steps can alternate with tatami's:

    /usr/bin/python3 bench/peers/pytorch_models.py DATA BATCHES BATCH

DATA holds BATCHES batches of BATCH images (float32, [B, 28, 28, 1] NHWC, which with one channel is
also NCHW [B, 1, 28, 28]) followed by BATCHES·BATCH labels (int32). It prints "ready", then reads
one JSON request per line from stdin, {"model", "op", "steps": k}, and answers each with one JSON
line {"model", "op", "batch", "ms": [k per-step milliseconds]}: k more steps of the model kept for
that model and op (made and warmed up with two steps at its first request). The Node side
alternates these steps with tatami's.

Models (NCHW, as PyTorch lays them out; the shapes and the parameters match tatami's NHWC ones):
  classic3, classic4   Conv2d(1→128, K×K) → ReLU → MaxPool2d(2) → Flatten → Linear(→10)
  convnet              Conv2d(1→32, 3×3) → ReLU → MaxPool2d(2) → Conv2d(32→64, 3×3) → ReLU → MaxPool2d(2)
                       → Flatten → Dropout(0.5) → Linear(1600→10)
  convnet_bn           the same with BatchNorm2d(eps=1e-3, momentum=0.01, Keras's defaults) after each conv's ReLU
  resnet               the zoo's resnet (src/models/resnet.ts): Conv 3×3 (8) → BN → ReLU; a residual block
                       [Conv-BN-ReLU-Conv-BN] + identity → ReLU; a strided block (16) whose skip is a strided
                       1×1 Conv-BN; global average pool → Linear(16→10). BatchNorm2d(eps=1e-3, momentum=0.1):
                       the zoo's Keras momentum 0.9 (PyTorch counts the new value's weight, Keras the old one's)
  mobilenet            the zoo's mobilenet (src/models/mobilenet.ts): pad [[0,1],[0,1]] → Conv 3×3 stride 2
                       (16, no bias) → BN → ReLU6; depthwise 3×3 (groups = channels) → BN → ReLU6 → 1×1 Conv (32)
                       → BN → ReLU6; the same strided with a 1×1 Conv to 64; global average pool → Linear(64→10)
  ownloop              classic3 written with functional ops (conv2d, +b, relu, max_pool2d, flatten, matmul, +b,
                       log_softmax, nll_loss), as the learner's loop in tatami
TensorFlow's 'same' padding puts an odd extra row and column at the bottom and right: a stride-1 3×3
'same' conv is PyTorch's padding=1; the strided 3×3 'same' conv of 28 → 14 pads only (0, 1, 0, 1), done
with F.pad before a 'valid' conv, like Keras's ZeroPadding2D [[0, 1], [0, 1]] in mobilenet.
Training: Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-7) on softmax cross-entropy (Keras's defaults).
Predict: eval mode, no_grad, softmax of the logits.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def classic(k):
    side = (28 - k + 1) // 2
    return nn.Sequential(nn.Conv2d(1, 128, k), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(128 * side * side, 10))


def convnet(bn):
    def block(cin, cout):
        layers = [nn.Conv2d(cin, cout, 3), nn.ReLU()]
        if bn:
            layers.append(nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01))
        return layers + [nn.MaxPool2d(2)]
    return nn.Sequential(*block(1, 32), *block(32, 64), nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10))


def bn(c):
    """Keras's BatchNormalization(momentum=0.9, epsilon=1e-3) as the zoo models build it."""
    return nn.BatchNorm2d(c, eps=1e-3, momentum=0.1)


class PadBottomRight(nn.Module):
    """ZeroPadding2D [[0, 1], [0, 1]]: one zero row at the bottom and one column at the right."""

    def forward(self, x):
        return F.pad(x, (0, 1, 0, 1))


def conv_bn(cin, cout, k, stride=1):
    """Conv2D(k×k, stride, padding 'same' as TensorFlow pads it) → BatchNormalization."""
    if stride == 1:
        return nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2), bn(cout))
    if k == 1:
        return nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride), bn(cout))
    return nn.Sequential(PadBottomRight(), nn.Conv2d(cin, cout, k, stride=stride), bn(cout))


class Residual(nn.Module):
    """[Conv-BN-ReLU-Conv-BN] + skip → ReLU; the skip is a 1×1 Conv-BN when the shape changes."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(conv_bn(cin, cout, 3, stride), nn.ReLU(), conv_bn(cout, cout, 3))
        self.skip = nn.Identity() if stride == 1 and cin == cout else conv_bn(cin, cout, 1, stride)

    def forward(self, x):
        return F.relu(self.body(x) + self.skip(x))


def resnet(width=8):
    return nn.Sequential(
        conv_bn(1, width, 3), nn.ReLU(), Residual(width, width, 1), Residual(width, 2 * width, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2 * width, 10))


def mobilenet(width=16):
    def bn_relu6(c):
        return [bn(c), nn.Hardtanh(0, 6)]

    def separable(cin, cout, stride):
        pad = [] if stride == 1 else [PadBottomRight()]
        depthwise = nn.Conv2d(cin, cin, 3, stride=stride, padding=1 if stride == 1 else 0, groups=cin, bias=False)
        return [*pad, depthwise, *bn_relu6(cin), nn.Conv2d(cin, cout, 1, bias=False), *bn_relu6(cout)]
    return nn.Sequential(
        PadBottomRight(), nn.Conv2d(1, width, 3, stride=2, bias=False), *bn_relu6(width),
        *separable(width, 2 * width, 1), *separable(2 * width, 4 * width, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * width, 10))


class OwnLoop(nn.Module):
    """The classic 3×3 CNN as a learner writes it with functional ops."""

    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(128, 1, 3, 3) * 0.1)
        self.b1 = nn.Parameter(torch.zeros(128))
        self.w2 = nn.Parameter(torch.randn(128 * 13 * 13, 10) * 0.01)
        self.b2 = nn.Parameter(torch.zeros(10))

    def forward(self, x):
        h = F.relu(F.conv2d(x, self.w1) + self.b1.view(1, -1, 1, 1))
        p = torch.flatten(F.max_pool2d(h, 2), 1)
        return p @ self.w2 + self.b2


BUILD = {
    'classic3': lambda: classic(3),
    'classic4': lambda: classic(4),
    'convnet': lambda: convnet(False),
    'convnet_bn': lambda: convnet(True),
    'resnet': resnet,
    'mobilenet': mobilenet,
    'ownloop': OwnLoop,
}


def make_step(name, op, images, labels):
    """One training step or one predict of the next batch, on a fresh model."""
    n = images.shape[0]
    model = BUILD[name]()
    counter = [0]
    if op == 'train':
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

        def step():
            k = counter[0] % n
            counter[0] += 1
            opt.zero_grad()
            logits = model(images[k])
            loss = F.nll_loss(F.log_softmax(logits, 1), labels[k])
            loss.backward()
            opt.step()
            return loss.item()
        return step
    model.eval()

    def step():
        k = counter[0] % n
        counter[0] += 1
        with torch.no_grad():
            return F.softmax(model(images[k]), 1)[0, 0].item()
    return step


def main():
    n, b = int(sys.argv[2]), int(sys.argv[3])
    raw = open(sys.argv[1], 'rb').read()
    images = torch.frombuffer(bytearray(raw[:n * b * 784 * 4]), dtype=torch.float32).reshape(n, b, 1, 28, 28)
    labels = torch.frombuffer(bytearray(raw[n * b * 784 * 4:]), dtype=torch.int32).reshape(n, b).long()
    kept = {}  # (model, op) → its step, kept between requests
    print('ready', flush=True)
    for line in sys.stdin:
        row = json.loads(line)
        key = (row['model'], row['op'])
        if key not in kept:
            kept[key] = make_step(row['model'], row['op'], images, labels)
            kept[key]()
            kept[key]()
        ms = []
        for _ in range(row['steps']):
            t0 = time.perf_counter()
            kept[key]()
            ms.append((time.perf_counter() - t0) * 1000)
        print(json.dumps({'model': row['model'], 'op': row['op'], 'batch': b, 'ms': ms}), flush=True)


main()
