"""Synthetic scenes for captioning and detection (notebooks/12_attention_at_work_images.ipynb)."""

import numpy as np
import pytest
import torch

from attention import SceneObject, box_patches, caption_scenes, caption_text, detection_scenes, render, scene_key
from attention.scenes import (
    CAPTION_WORDS,
    CLASS_NAMES,
    COLOURS,
    SHAPES,
    describe,
    random_objects,
    shape_mask,
)


def test_shapes_look_different():
    for size in (4, 5, 6, 7):
        circle, square, triangle = (shape_mask(s, size) for s in ("circle", "square", "triangle"))
        assert square.all()
        assert not circle[size // 2, size // 2] and circle[size // 2, 0]  # a ring: hollow middle, inked edge
        assert triangle[-1].sum() > triangle[0].sum()  # wider at the bottom than at the top
        assert len({circle.tobytes(), square.tobytes(), triangle.tobytes()}) == 3
    with pytest.raises(ValueError, match="shape must be one of"):
        shape_mask("star", 5)
    with pytest.raises(ValueError, match="size must be an int >= 3"):
        shape_mask("circle", 2)


def test_render_puts_each_colour_in_its_channel_inside_the_box():
    objs = [SceneObject("red", "square", 1, 2, 4), SceneObject("blue", "triangle", 8, 8, 5)]
    image = render(objs, 16)
    assert image.shape == (3, 16, 16) and image.dtype == np.float32
    assert image[0, 1:5, 2:6].all() and image[0].sum() == 16  # the red square, nothing else red
    assert image[1].sum() == 0  # no green object
    assert image[2].sum() == shape_mask("triangle", 5).sum() and image[2, :8].sum() == 0
    with pytest.raises(ValueError, match="does not fit"):
        render([SceneObject("red", "square", 14, 0, 4)], 16)


def test_random_objects_are_apart_distinct_and_repeatable():
    a = random_objects(np.random.default_rng(3), 3, 16, (4, 7))
    b = random_objects(np.random.default_rng(3), 3, 16, (4, 7))
    assert a == b and len(a) == 3 and len({o.name for o in a}) == 3
    for i, o in enumerate(a):
        assert 4 <= o.size <= 7 and o.top + o.size <= 16 and o.left + o.size <= 16
        for p in a[i + 1 :]:
            masks = [np.zeros((17, 17), bool) for _ in range(2)]
            for m, q in zip(masks, (o, p)):
                m[q.top : q.top + q.size + 1, q.left : q.left + q.size + 1] = True  # the box grown by the 1-pixel gap
            assert not (masks[0] & masks[1]).any()
    with pytest.raises(ValueError, match="could not place"):
        random_objects(np.random.default_rng(0), 4, 8, (7, 7))
    with pytest.raises(ValueError, match="sizes must be"):
        random_objects(np.random.default_rng(0), 1, 8, (2, 9))


def test_describe_names_the_left_or_upper_object_first_and_skips_diagonals():
    a, b = SceneObject("red", "circle", 5, 0, 4), SceneObject("blue", "square", 6, 10, 4)
    assert describe(a, b) == (a, "left of", b) == describe(b, a)
    c = SceneObject("green", "triangle", 11, 1, 4)
    assert describe(c, a) == (a, "above", c)
    d = SceneObject("green", "triangle", 11, 7, 4)  # 6 down, 7 across: diagonal, no clear relation
    assert describe(a, d) is None


def box_patches_by_pixels(obj, image_size, p):
    """Oracle: paint the box's pixels, then ask which patches hold any of them."""
    canvas = np.zeros((image_size, image_size), bool)
    canvas[obj.top : obj.top + obj.size, obj.left : obj.left + obj.size] = True
    g = image_size // p
    return canvas.reshape(g, p, g, p).any(axis=(1, 3)).reshape(-1)


def test_box_patches_matches_painting_the_box():
    rng = np.random.default_rng(0)
    for _ in range(200):
        size = int(rng.integers(3, 9))
        obj = SceneObject("red", "square", int(rng.integers(0, 17 - size)), int(rng.integers(0, 17 - size)), size)
        for p in (2, 4):
            assert np.array_equal(box_patches(obj, 16, p), box_patches_by_pixels(obj, 16, p))
    assert np.flatnonzero(box_patches(SceneObject("red", "square", 4, 4, 4), 16, 4)).tolist() == [5]
    with pytest.raises(ValueError, match="must divide"):
        box_patches(SceneObject("red", "square", 0, 0, 4), 16, 5)


def test_caption_scenes_are_repeatable_and_captions_describe_the_objects():
    a, b = caption_scenes(40, seed=7), caption_scenes(40, seed=7)
    assert torch.equal(a.images, b.images) and torch.equal(a.captions, b.captions) and len(a) == 40
    assert a.images.shape == (40, 3, 16, 16) and a.captions.shape == (40, 5)
    assert not torch.equal(caption_scenes(40, seed=8).images, a.images)
    for (first, second), ids, image in zip(a.objects, a.captions, a.images):
        words = caption_text(ids).replace("left of", "left_of").split()
        assert words[:2] == [first.colour, first.shape] and words[3:] == [second.colour, second.shape]
        assert describe(first, second)[1] == words[2].replace("_", " ")
        assert torch.equal(image, torch.from_numpy(render([first, second], 16)))
    assert {caption_text(c).split()[2] for c in a.captions} == {"left", "above"}


def test_caption_scenes_exclude_held_out_scenes():
    held = caption_scenes(200, seed=1)
    keys = {scene_key(pair) for pair in held.objects}
    train = caption_scenes(300, seed=1, exclude=keys)  # the same seed would draw the same scenes first
    assert not keys & {scene_key(pair) for pair in train.objects}
    with pytest.raises(ValueError, match="count must be a positive int"):
        caption_scenes(0, seed=1)
    with pytest.raises(ValueError, match="caption ids"):
        caption_text([0, 99])
    assert CAPTION_WORDS[0] == "<bos>" and len(CAPTION_WORDS) == 1 + len(COLOURS) + len(SHAPES) + 2


def test_detection_scenes_hold_classes_and_boxes_of_their_objects():
    ds = detection_scenes(60, seed=2, max_objects=3)
    counts = [len(objs) for objs in ds.objects]
    assert set(counts) == {1, 2, 3} and ds.images.shape == (60, 3, 16, 16)
    for objs, classes, boxes, image in zip(ds.objects, ds.classes, ds.boxes, ds.images):
        assert [CLASS_NAMES[c] for c in classes.tolist()] == [o.name for o in objs]
        assert boxes.shape == (len(objs), 4) and ((boxes > 0) & (boxes <= 1)).all()
        for o, (cx, cy, w, h) in zip(objs, boxes.tolist()):
            assert np.isclose(cx * 16, o.left + o.size / 2) and np.isclose(cy * 16, o.top + o.size / 2)
            assert np.isclose(w * 16, o.size) and np.isclose(h * 16, o.size)
        assert torch.equal(image, torch.from_numpy(render(objs, 16)))
    targets = ds.targets(torch.tensor([0, 5]))
    assert torch.equal(targets[1][0], ds.classes[5]) and torch.equal(targets[1][1], ds.boxes[5])
    keys = {scene_key(o) for o in ds.objects}
    assert not keys & {scene_key(o) for o in detection_scenes(100, seed=2, exclude=keys).objects}
    with pytest.raises(ValueError, match="max_objects"):
        detection_scenes(5, seed=0, max_objects=0)
