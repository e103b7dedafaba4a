"""Benchmark: train the course's toy-task models from scratch; print held-out exact-sequence accuracy and wall time.

Run `python benchmarks/toy_tasks.py` (full budgets, as in the notebooks) or `--quick` (tiny budgets, a smoke test).
Issue 14 adds the lecture's applications (lessons 12 and 13) with the targets their notebooks assert, each <= 60 s.
Each entry of TASKS is (name, function); a function takes `quick` and returns a Result. To add a task, write
such a function and append one line to TASKS. Target from issue #3: the reverse task >= 99% exact-sequence
accuracy on held-out data, trained in <= 60 s on 2 CPU cores. Times on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch

from attention import DecoderConfig, TinyDecoder, ToyTask, answer_loss, mirror_hits, sequence_accuracy, train
from attention.dates import BOS, EOS, DateTask
from attention.seq2seq import Seq2SeqConfig, Seq2SeqTransformer


@dataclass
class Result:
    """What one toy task measured."""

    accuracy: float  # exact-sequence accuracy on the held-out set
    seconds: float  # wall time of training (evaluation excluded)
    target: float | None = None  # accuracy the issue asks for (None: no target)
    max_seconds: float | None = None  # training time the issue allows
    note: str = ""  # anything else worth a column (sizes, attention pattern)
    also_met: bool | None = None  # a second target, named in the note (None: there is none)


def decoder_on_toy_task(kind: str, steps: int, seed: int = 0) -> tuple[TinyDecoder, ToyTask, float]:
    """Train the lesson-06 TinyDecoder on a ToyTask from scratch; return it, the task and the training seconds."""
    task = ToyTask(kind, length=6, batch_size=64)
    torch.manual_seed(seed)
    model = TinyDecoder(DecoderConfig(task.vocab_size, max_len=task.seq_len, d_model=64, num_heads=4, num_layers=2, d_ff=128))
    start = time.perf_counter()

    def loss_fn(model, batch):
        return answer_loss(model, batch, task.length + 1)  # score only the answer after "|"

    train(model, task.make_batch, loss_fn, steps=steps, lr=5e-3, seed=seed, progress=False)
    return model, task, time.perf_counter() - start


def _held_out_accuracy(model: TinyDecoder, task: ToyTask) -> float:
    x, y = task.heldout()
    prompt = torch.cat([x, torch.full((len(x), 1), task.sep)], dim=1)  # (N, L + 1): inputs and "|"
    return sequence_accuracy(model.generate(prompt, task.length), y)


def reverse_task(quick: bool) -> Result:
    model, task, seconds = decoder_on_toy_task("reverse", steps=20 if quick else 200)
    acc = _held_out_accuracy(model, task)
    x, y = task.heldout()
    model(task.to_batch((x, y))[:, :-1])
    hits = mirror_hits(model.attention_weights(), task.length)[-1]  # (heads,) in the last layer
    note = f"L={task.length}, last-layer heads on mirrored key: {hits.min().item():.2f}-{hits.max().item():.2f}"
    return Result(acc, seconds, target=0.99, max_seconds=60.0, note=note)


def sort_task(quick: bool) -> Result:
    model, task, seconds = decoder_on_toy_task("sort", steps=20 if quick else 300)
    return Result(_held_out_accuracy(model, task), seconds, note=f"L={task.length}")


def dates_task(quick: bool) -> Result:
    """Lesson 07: the encoder-decoder Transformer rewrites human-written dates as ISO dates (same budget as the notebook)."""
    task = DateTask(seed=0, batch_size=64)
    torch.manual_seed(0)
    config = Seq2SeqConfig(len(task.vocab), d_model=64, num_heads=4, d_ff=128, num_decoder_layers=2, max_len=32)
    model = Seq2SeqTransformer(config)
    start = time.perf_counter()
    train(model, task.make_batch, lambda m, b: m.loss(*b), steps=20 if quick else 500, lr=5e-3, seed=0, progress=False)
    seconds = time.perf_counter() - start
    held = task.to_batch(task.heldout())
    pred = model.greedy_decode(held.src, BOS, EOS, max_len=held.target.shape[1])  # (N, 11)
    note = f"{len(held.src)} held-out dates, 12 formats"
    return Result(sequence_accuracy(pred, held.target), seconds, target=0.99, max_seconds=60.0, note=note)


# Lessons 12 and 13 (issue 14): the lecture's applications, each with the notebook's data and budget. The metric
# in the "held-out acc" column is named in the note; targets: the thresholds the notebooks assert, in <= 60 s.
def _timed_train(model, make_batch, loss_fn, steps, lr):
    start = time.perf_counter()
    train(model, make_batch, loss_fn, steps=steps, lr=lr, seed=0, progress=False)
    return time.perf_counter() - start


def captioning_task(quick: bool) -> Result:
    """Lesson 12: the attention captioner on generated scenes; held-out exact five-word captions."""
    from attention import Captioner, caption_scenes, scene_key

    held = caption_scenes(500, seed=1000)
    scenes = caption_scenes(20_000, seed=1, exclude={scene_key(p) for p in held.objects})
    torch.manual_seed(0)
    model = Captioner()

    def batch(step, g):
        idx = torch.randint(len(scenes), (64,), generator=g)
        return scenes.images[idx], scenes.captions[idx]

    seconds = _timed_train(model, batch, lambda m, b: m.loss(*b), 20 if quick else 1000, 6e-3)
    accuracy = sequence_accuracy(model.generate(held.images), held.captions)
    return Result(accuracy, seconds, target=0.9, max_seconds=60.0, note="exact captions, 500 held-out scenes")


def detection_task(quick: bool) -> Result:
    """Lesson 12: TinyDETR with Hungarian matching; held-out mean IoU (target 0.7) and objects found (0.85)."""
    from attention import TinyDETR, detection_loss, detection_scenes, scene_key, score_detections

    held = detection_scenes(500, seed=2000)
    scenes = detection_scenes(10_000, seed=2, exclude={scene_key(o) for o in held.objects})
    torch.manual_seed(0)
    model = TinyDETR()

    def batch(step, g):
        idx = torch.randint(len(scenes), (64,), generator=g)
        return scenes.images[idx], scenes.targets(idx)

    seconds = _timed_train(model, batch, lambda m, b: detection_loss(*m(b[0]), b[1]), 20 if quick else 1000, 5e-3)
    with torch.no_grad():
        score = score_detections(*model(held.images), held.targets(range(len(held))))
    note = f"mean IoU; objects found (class right, IoU >= 0.5) {score.found:.3f}, target 0.85; 500 held-out scenes"
    return Result(score.mean_iou, seconds, target=0.7, max_seconds=60.0, note=note, also_met=score.found >= 0.85)


def question_answering_task(quick: bool) -> Result:
    """Lesson 13: the span reader on questions about the menu; held-out exact-match answers."""
    from attention import MenuQA, ReaderConfig, SpanReader

    qa = MenuQA(dishes_per_passage=3)
    data, held = qa.encode(qa.sample(20_000, seed=1)), qa.sample(1000, seed=1000, heldout=True)
    torch.manual_seed(0)
    model = SpanReader(ReaderConfig(len(qa.itos)))

    def batch(step, g):
        idx = torch.randint(len(data["start"]), (32,), generator=g)
        return tuple(data[k][idx] for k in ("question", "passage", "start", "end"))

    seconds = _timed_train(model, batch, lambda m, b: m.loss(*b), 20 if quick else 800, 3e-3)
    t = qa.encode(held)
    starts, ends = model.predict(t["question"], t["passage"])
    right = [ex.passage[s : e + 1] == ex.passage[ex.start : ex.end + 1] for ex, s, e in zip(held, starts, ends)]
    return Result(sum(right) / len(right), seconds, target=0.9, max_seconds=60.0, note="exact answers, 1000 held-out")


def summarisation_task(quick: bool) -> Result:
    """Lesson 13: the pointer-generator summariser of orders; held-out exact summaries."""
    from attention import OrderSummaries, PointerConfig, PointerSummariser
    from attention.orders import EOS, PAD, WORDS

    orders = OrderSummaries()
    data, held = orders.encode(orders.sample(20_000, seed=1)), orders.encode(orders.sample(1000, seed=1000, heldout=True))
    torch.manual_seed(0)
    model = PointerSummariser(PointerConfig(orders.vocab_size, len(WORDS)))

    def batch(step, g):
        idx = torch.randint(len(data["order"]), (32,), generator=g)
        return data["order"][idx], data["summary"][idx]

    seconds = _timed_train(model, batch, lambda m, b: m.loss(*b), 20 if quick else 600, 3e-3)
    written = model.generate(held["order"], held["summary"].shape[1], EOS)[0]
    accuracy = sequence_accuracy(written, held["summary"], pad=PAD)
    return Result(accuracy, seconds, target=0.95, max_seconds=60.0, note="exact summaries, 1000 held-out orders")


# (name, function): add a task by appending one entry.
TASKS: list[tuple[str, Callable[[bool], Result]]] = [
    ("reverse (05, causal decoder)", reverse_task),
    ("sort (05, causal decoder)", sort_task),
    ("dates (07, encoder-decoder)", dates_task),
    ("captioning (12)", captioning_task),
    ("detection (12, DETR)", detection_task),
    ("question answering (13)", question_answering_task),
    ("summarisation (13, pointer)", summarisation_task),
]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny budgets, a few seconds (smoke test; accuracies are low)")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1: fastest for tiny models)")
    parser.add_argument("--only", default=None, help="run only the tasks whose name contains this text")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(
        f"# Toy tasks: torch {torch.__version__}, {platform.processor() or platform.machine()}, threads={args.threads}"
        + (", QUICK" if args.quick else "")
    )
    header = f"{'task':<32} {'held-out acc':>12} {'train s':>8} {'verdict':>7}  note"
    print(header)
    print("-" * len(header))
    for name, run in TASKS:
        if args.only and args.only not in name:
            continue
        r = run(args.quick)
        verdict = "-"
        if r.target is not None and not args.quick:
            ok = r.accuracy >= r.target and (r.max_seconds is None or r.seconds <= r.max_seconds) and r.also_met is not False
            verdict = "PASS" if ok else "MISS"
        print(f"{name:<32} {r.accuracy:>12.3f} {r.seconds:>8.1f} {verdict:>7}  {r.note}", flush=True)


if __name__ == "__main__":
    main()
