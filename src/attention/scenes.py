"""Synthetic scenes: a few coloured shapes on a black image, with their boxes and a one-line caption.

Taught in notebooks/12_attention_at_work_images.ipynb (captioning and detection). Everything is
generated from a seed: no download. An image is ``(3, H, W)`` (red, green, blue channels, values 0 or 1);
an object is a circle (a ring), a square or a triangle in red, green or blue, ``size`` pixels across.
A caption names two objects and where the first is: ``"red circle left of blue square"`` or
``"green triangle above red circle"``. Captioned scenes are drawn side by side or one above the other,
never diagonal, so the caption is never in doubt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

COLOURS = ("red", "green", "blue")  # channel 0, 1, 2
SHAPES = ("circle", "square", "triangle")
RELATIONS = ("left of", "above")  # one token each in a caption
CAPTION_WORDS = ("<bos>",) + COLOURS + SHAPES + RELATIONS  # the caption vocabulary; id = place in this tuple
CAPTION_LEN = 5  # colour shape relation colour shape
CLASS_NAMES = tuple(f"{c} {s}" for c in COLOURS for s in SHAPES)  # detection classes: "red circle" = 0, ...


@dataclass(frozen=True)
class SceneObject:
    """One shape in a scene: what it is and where its bounding box is (in pixels)."""

    colour: str  # one of COLOURS
    shape: str  # one of SHAPES
    top: int  # first pixel row of the box
    left: int  # first pixel column of the box
    size: int  # the box is size x size pixels

    @property
    def name(self) -> str:
        return f"{self.colour} {self.shape}"

    @property
    def centre(self) -> tuple[float, float]:
        """(x, y) of the box centre in pixels (x to the right, y down)."""
        return self.left + self.size / 2, self.top + self.size / 2

    def box(self, image_size: int) -> tuple[float, float, float, float]:
        """The box as DETR writes it: (centre x, centre y, width, height), each a fraction of the image side."""
        cx, cy = self.centre
        return cx / image_size, cy / image_size, self.size / image_size, self.size / image_size


def shape_mask(shape: str, size: int) -> np.ndarray:
    """The pixels a shape covers inside its ``size x size`` box: a boolean ``(size, size)`` array."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}, got {shape!r}")
    if not isinstance(size, int) or size < 3:
        raise ValueError(f"size must be an int >= 3, got {size!r}")
    rows, cols = np.mgrid[0:size, 0:size] + 0.5  # pixel centres
    half = size / 2
    if shape == "square":
        return np.ones((size, size), dtype=bool)
    if shape == "circle":  # a ring: round outside, hollow inside (a filled disc this small looks like a square)
        r2 = (rows - half) ** 2 + (cols - half) ** 2
        return (r2 <= half**2) & (r2 >= (half - 1.2) ** 2)
    return np.abs(cols - half) <= rows / 2  # a triangle pointing up: wider row by row


def render(objects: list[SceneObject], image_size: int) -> np.ndarray:
    """Draw objects on a black ``(3, image_size, image_size)`` float32 image."""
    image = np.zeros((3, image_size, image_size), dtype=np.float32)
    for obj in objects:
        if obj.top < 0 or obj.left < 0 or obj.top + obj.size > image_size or obj.left + obj.size > image_size:
            raise ValueError(f"{obj} does not fit in a {image_size} x {image_size} image")
        window = image[COLOURS.index(obj.colour), obj.top : obj.top + obj.size, obj.left : obj.left + obj.size]
        window[shape_mask(obj.shape, obj.size)] = 1.0
    return image


def _apart(a: SceneObject, b: SceneObject, gap: int) -> bool:
    return (
        a.left + a.size + gap <= b.left
        or b.left + b.size + gap <= a.left
        or a.top + a.size + gap <= b.top
        or b.top + b.size + gap <= a.top
    )


def random_objects(
    rng: np.random.Generator, count: int, image_size: int, sizes: tuple[int, int], gap: int = 1
) -> list[SceneObject]:
    """Place ``count`` objects (sizes in ``sizes``, inclusive) with boxes ``gap`` pixels apart, no two alike."""
    low, high = sizes
    if not 3 <= low <= high <= image_size:
        raise ValueError(f"sizes must be (low, high) with 3 <= low <= high <= image_size={image_size}, got {sizes}")
    if not 1 <= count <= len(CLASS_NAMES):
        raise ValueError(f"count must be in 1..{len(CLASS_NAMES)}, got {count}")
    for _ in range(1000):  # start again if the image fills up before everything is placed
        objects: list[SceneObject] = []
        for _ in range(50 * count):
            size = int(rng.integers(low, high + 1))
            top, left = (int(v) for v in rng.integers(0, image_size - size + 1, size=2))
            obj = SceneObject(COLOURS[int(rng.integers(3))], SHAPES[int(rng.integers(3))], top, left, size)
            if all(_apart(obj, o, gap) and obj.name != o.name for o in objects):
                objects.append(obj)
                if len(objects) == count:
                    return objects
    raise ValueError(f"could not place {count} objects of sizes {sizes} in a {image_size} x {image_size} image")


def describe(a: SceneObject, b: SceneObject, margin: float = 2.0) -> tuple[SceneObject, str, SceneObject] | None:
    """(first object, relation, second object) for a two-object scene, or None when no direction is clear.

    The first object named is the left one if the objects are further apart across than up and down,
    else the upper one. "Clear": the larger distance between the centres is at least twice the smaller
    one plus ``margin`` pixels (side by side, or one above the other, not diagonal).
    """
    (ax, ay), (bx, by) = a.centre, b.centre
    dx, dy = bx - ax, by - ay
    if max(abs(dx), abs(dy)) < 2 * min(abs(dx), abs(dy)) + margin:
        return None
    if abs(dx) > abs(dy):
        return (a, "left of", b) if dx > 0 else (b, "left of", a)
    return (a, "above", b) if dy > 0 else (b, "above", a)


def box_patches(obj: SceneObject, image_size: int, patch_size: int) -> np.ndarray:
    """Which patches an object's box overlaps: a boolean ``(N,)`` vector, patches numbered row by row.

    Taught in notebooks/12_attention_at_work_images.ipynb.
    """
    if patch_size < 1 or image_size % patch_size:
        raise ValueError(f"patch_size={patch_size} must divide image_size={image_size}")
    grid = image_size // patch_size
    starts = np.arange(grid) * patch_size  # first pixel of each patch row (and column)
    rows = (starts < obj.top + obj.size) & (starts + patch_size > obj.top)  # (grid,): patch rows the box reaches
    cols = (starts < obj.left + obj.size) & (starts + patch_size > obj.left)  # (grid,)
    return (rows[:, None] & cols[None, :]).reshape(-1)  # (grid, grid) -> (N,)


def scene_key(objects) -> tuple:
    """A hashable description of a scene (the same objects in any order give the same key)."""
    return tuple(sorted((o.colour, o.shape, o.top, o.left, o.size) for o in objects))


def _check_count(count) -> None:
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")


@dataclass
class CaptionSet:
    """Scenes of two objects with their captions, as tensors."""

    images: torch.Tensor  # (B, 3, H, W) float32
    captions: torch.Tensor  # (B, 5) caption word ids (ids into CAPTION_WORDS)
    objects: list[tuple[SceneObject, SceneObject]]  # per scene: (first named, second named)

    def __len__(self) -> int:
        return len(self.objects)


def caption_scenes(
    count: int, seed: int, image_size: int = 16, sizes: tuple[int, int] = (4, 5), exclude: set | None = None
) -> CaptionSet:
    """``count`` random two-object scenes with their captions (seeded); scenes whose key is in ``exclude`` are redrawn.

    Taught in notebooks/12_attention_at_work_images.ipynb. ``exclude`` holds the :func:`scene_key` of every
    held-out scene, so that training never sees one.
    """
    _check_count(count)
    rng = np.random.default_rng(seed)
    images, captions, pairs = [], [], []
    while len(pairs) < count:
        a, b = random_objects(rng, 2, image_size, sizes)
        described = describe(a, b)
        if described is None or (exclude and scene_key((a, b)) in exclude):
            continue
        first, relation, second = described
        pairs.append((first, second))
        captions.append([CAPTION_WORDS.index(w) for w in (first.colour, first.shape, relation, second.colour, second.shape)])
        images.append(render([a, b], image_size))
    return CaptionSet(torch.from_numpy(np.stack(images)), torch.tensor(captions), pairs)


def caption_text(ids) -> str:
    """Caption word ids -> ``"red circle left of blue square"``."""
    ids = torch.as_tensor(ids).tolist()
    if any(not 0 <= i < len(CAPTION_WORDS) for i in ids):
        raise ValueError(f"caption ids must be in 0..{len(CAPTION_WORDS) - 1}, got {ids}")
    return " ".join(CAPTION_WORDS[i] for i in ids)


@dataclass
class DetectionSet:
    """Scenes of 1..max_objects objects with their classes and boxes."""

    images: torch.Tensor  # (B, 3, H, W) float32
    classes: list[torch.Tensor]  # per image: (T_b,) class ids (ids into CLASS_NAMES)
    boxes: list[torch.Tensor]  # per image: (T_b, 4) boxes (cx, cy, w, h) as fractions of the image side
    objects: list[list[SceneObject]]  # per image: its objects, in the order of classes and boxes

    def __len__(self) -> int:
        return len(self.objects)

    def targets(self, index) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """(classes, boxes) of the images at ``index`` (a tensor or list of ints), as detection_loss wants them."""
        return [(self.classes[int(i)], self.boxes[int(i)]) for i in index]


def detection_scenes(
    count: int, seed: int, image_size: int = 16, sizes: tuple[int, int] = (4, 7), max_objects: int = 3, exclude: set | None = None
) -> DetectionSet:
    """``count`` random scenes of 1..``max_objects`` objects (seeded); scenes whose key is in ``exclude`` are redrawn.

    Taught in notebooks/12_attention_at_work_images.ipynb.
    """
    _check_count(count)
    if not isinstance(max_objects, int) or not 1 <= max_objects <= len(CLASS_NAMES):
        raise ValueError(f"max_objects must be an int in 1..{len(CLASS_NAMES)}, got {max_objects!r}")
    rng = np.random.default_rng(seed)
    images, classes, boxes, scenes = [], [], [], []
    while len(scenes) < count:
        objects = random_objects(rng, int(rng.integers(1, max_objects + 1)), image_size, sizes)
        if exclude and scene_key(objects) in exclude:
            continue
        scenes.append(objects)
        images.append(render(objects, image_size))
        classes.append(torch.tensor([CLASS_NAMES.index(o.name) for o in objects]))
        boxes.append(torch.tensor([o.box(image_size) for o in objects], dtype=torch.float32))
    return DetectionSet(torch.from_numpy(np.stack(images)), classes, boxes, scenes)
