"""Pictures for the HTML report: previews, thumbnails, and their limits."""

from __future__ import annotations

import dataclasses
import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from verify import CheckOptions, Verifier
from verify.reader import ReadKind, ResourceReader
from verify.visuals import (
    NoPicture,
    Picture,
    VisualLimits,
    collect_visuals,
    downscale,
    index_thumbnails,
    preview_of,
    thumbnails_of,
)


@pytest.fixture(scope="module")
def verifier(anchors_pem: str) -> Verifier:
    return Verifier(CheckOptions(trust_anchors_pem=anchors_pem))


@pytest.fixture(scope="module")
def resources() -> ResourceReader:
    return ResourceReader()


def _image_bytes(size: tuple[int, int], mode: str = "RGB", fmt: str = "PNG", **save: Any) -> bytes:
    out = io.BytesIO()
    color: Any = (200, 30, 30, 0) if mode == "RGBA" else (200, 30, 30)
    Image.new(mode, size, color).save(out, format=fmt, **save)
    return out.getvalue()


def _decoded(picture: Picture | NoPicture) -> Image.Image:
    assert isinstance(picture, Picture), picture
    image = Image.open(io.BytesIO(picture.data))
    image.load()
    return image


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_downscale_fits_the_long_edge() -> None:
    """A large image is shrunk to the requested long edge, keeping its aspect ratio."""
    image = _decoded(downscale(_image_bytes((1200, 600)), 300, 10**8))
    assert image.format == "JPEG"
    assert image.size == (300, 150)


def test_downscale_refuses_images_over_max_pixels() -> None:
    """An image with more pixels than max_pixels is not decoded and says why."""
    result = downscale(_image_bytes((400, 400)), 100, max_pixels=1000)
    assert isinstance(result, NoPicture)
    assert "max_pixels" in result.reason


def test_downscale_refuses_a_decompression_bomb_header() -> None:
    """A PNG header claiming 10,000 x 10,000 pixels is refused by max_pixels before decoding."""
    result = downscale(_png_claiming(10_000, 10_000), 100, max_pixels=10**7)
    assert isinstance(result, NoPicture)
    assert result.reason.startswith("10000 x 10000 pixels is over the limit of 10000000")


def test_downscale_says_pillow_refused_past_its_own_limit() -> None:
    """Past Pillow's own bomb limit (when ours is higher), Pillow's refusal is reported."""
    result = downscale(_png_claiming(100_000, 100_000), 100, max_pixels=10**12)
    assert isinstance(result, NoPicture)
    assert "decompression bomb" in result.reason


def test_downscale_of_garbage_is_a_reason() -> None:
    """Bytes that are no image give a reason, never an exception."""
    result = downscale(b"this is not an image", 100, 10**8)
    assert isinstance(result, NoPicture)
    assert result.reason == "its contents are not in an image format that can be shown"


def test_downscale_of_a_broken_image_is_a_reason() -> None:
    """A JPEG cut in the middle gives a reason, never an exception."""
    data = _image_bytes((300, 300), fmt="JPEG")
    result = downscale(data[: len(data) // 3], 100, 10**8)
    assert isinstance(result, NoPicture)
    assert result.reason.startswith("Pillow could not decode it")


def test_downscale_flattens_transparency() -> None:
    """Transparent images become RGB on white (JPEG has no alpha)."""
    image = _decoded(downscale(_image_bytes((50, 50), mode="RGBA"), 50, 10**8))
    assert image.mode == "RGB"
    assert image.getpixel((25, 25)) == pytest.approx((255, 255, 255), abs=3)


def test_downscale_applies_exif_orientation() -> None:
    """A JPEG tagged 'rotate 90' is previewed the way viewers show it."""
    exif = Image.Exif()
    exif[0x0112] = 6
    data = _image_bytes((200, 100), fmt="JPEG", exif=exif.tobytes())
    assert _decoded(downscale(data, 200, 10**8)).size == (100, 200)


@pytest.mark.parametrize(
    ("media_type", "words"),
    [
        ("video/mp4", "only still images"),
        ("audio/mpeg", "only still images"),
        ("application/pdf", "only still images"),
        ("image/svg+xml", "SVG"),
        ("application/c2pa", "no picture of its own"),
    ],
)
def test_no_preview_for_non_images(
    verifier: Verifier, samples_dir: Path, media_type: str, words: str
) -> None:
    """Files that are not still raster images get a reason instead of a preview."""
    report = verifier.check_path(samples_dir / "captured.jpg")
    result = preview_of(dataclasses.replace(report, media_type=media_type), b"whatever")
    assert isinstance(result, NoPicture)
    assert words in result.reason


def test_no_preview_for_a_file_that_was_not_read(verifier: Verifier, tmp_path: Path) -> None:
    """A file the check could not read is not opened again for a preview."""
    report = verifier.check_path(tmp_path / "missing.jpg")
    result = preview_of(report, tmp_path / "missing.jpg")
    assert isinstance(result, NoPicture)
    assert result.reason == "the file was not read"


def test_index_thumbnails_from_a_store_dict() -> None:
    """Claim and ingredient thumbnails are found by label and index, the active one first."""
    store = {
        "active_manifest": "b",
        "manifests": {
            "a": {"thumbnail": {"identifier": "ta"}},
            "b": {
                "thumbnail": {"identifier": "tb"},
                "ingredients": [
                    {"title": "no thumb"},
                    {"thumbnail": {"identifier": "ta"}},
                    {"thumbnail": {"identifier": 7}},
                    "not a dict",
                ],
            },
            "c": {"thumbnail": "not a dict"},
        },
    }
    index = index_thumbnails(store)
    assert index.manifests == {"a": "ta", "b": "tb"}
    assert index.ingredients == {("b", 1): "ta"}
    assert index.order == ("tb", "ta")


def test_index_thumbnails_of_junk_is_empty() -> None:
    """A store without usable manifests names no thumbnails."""
    index = index_thumbnails({"manifests": ["not", "a", "mapping"]})
    assert (index.manifests, index.ingredients, index.order) == ({}, {}, ())


def test_thumbnails_of_a_composite(
    verifier: Verifier, resources: ResourceReader, samples_dir: Path
) -> None:
    """The composite sample yields both manifests' thumbnails and its ingredient's."""
    path = samples_dir / "ai-composite.jpg"
    report = verifier.check_path(path)
    manifests, ingredients, notes = thumbnails_of(report, path, resources)
    assert report.provenance is not None and report.provenance.label is not None
    assert set(manifests) == {report.provenance.label, report.provenance.ingredients[0].label}
    assert set(ingredients) == {(report.provenance.label, 0)}
    assert notes == ()
    assert all(max(p.width, p.height) <= VisualLimits().thumbnail_size for p in manifests.values())


@pytest.mark.parametrize("name", ["sidecar.jpg", "sidecar.c2pa"])
def test_thumbnails_of_sidecars(
    verifier: Verifier, resources: ResourceReader, samples_dir: Path, name: str
) -> None:
    """A sidecar's thumbnail is found for the asset beside it and for the .c2pa on its own."""
    path = samples_dir / name
    report = verifier.check_path(path)
    manifests, _, notes = thumbnails_of(report, path, resources)
    assert report.provenance is not None
    assert report.provenance.label in manifests
    assert notes == ()


def test_thumbnails_capped_by_max_thumbnails(
    verifier: Verifier, resources: ResourceReader, samples_dir: Path
) -> None:
    """Past max_thumbnails the rest are not read, and a note says how many."""
    path = samples_dir / "ai-composite.jpg"
    report = verifier.check_path(path)
    manifests, ingredients, notes = thumbnails_of(
        report, path, resources, VisualLimits(max_thumbnails=1)
    )
    assert len(manifests) + len(ingredients) >= 1
    assert any("1 more thumbnail(s) not shown (max_thumbnails=1)" in n for n in notes)


def test_thumbnails_capped_by_size(
    verifier: Verifier, resources: ResourceReader, samples_dir: Path
) -> None:
    """A thumbnail larger than max_thumbnail_bytes is not read, with a note."""
    path = samples_dir / "ai-generated.jpg"
    report = verifier.check_path(path)
    manifests, _, notes = thumbnails_of(
        report, path, resources, VisualLimits(max_thumbnail_bytes=100)
    )
    assert manifests == {}
    assert any("over the limit of 100 bytes" in n for n in notes)


def test_no_thumbnails_without_credentials(
    verifier: Verifier, resources: ResourceReader, samples_dir: Path
) -> None:
    """A file without credentials has no thumbnails and no note."""
    path = samples_dir / "no-credentials.jpg"
    visuals = collect_visuals(verifier.check_path(path), path, resources)
    assert isinstance(visuals.preview, Picture)
    assert (visuals.manifest_thumbnails, visuals.notes) == ({}, ())


def test_thumbnails_from_bytes(
    verifier: Verifier, resources: ResourceReader, samples_dir: Path
) -> None:
    """An asset held in memory (standard input) gives the same thumbnails and preview."""
    data = (samples_dir / "ai-generated.png").read_bytes()
    report = verifier.check_bytes(data, name="-")
    visuals = collect_visuals(report, data, resources)
    assert isinstance(visuals.preview, Picture)
    assert report.provenance is not None
    assert report.provenance.label in visuals.manifest_thumbnails


def test_resource_reader_reads_no_manifest_as_a_kind(
    resources: ResourceReader, samples_dir: Path
) -> None:
    """The resource reader reports a file without a manifest as a kind, not an exception."""
    read = resources.read(samples_dir / "no-credentials.jpg", "image/jpeg", lambda s: [], 100)
    assert read.kind is ReadKind.NO_MANIFEST


def test_resource_reader_reports_missing_resources(
    resources: ResourceReader, samples_dir: Path
) -> None:
    """A resource the store does not hold is listed as failed with the library's reason."""
    missing = "self#jumbf=/c2pa/urn:c2pa:nothing/c2pa.assertions/c2pa.thumbnail.claim"
    read = resources.read(
        samples_dir / "ai-generated.jpg", "image/jpeg", lambda s: [missing], 10**6
    )
    assert read.kind is ReadKind.MANIFEST
    assert "ResourceNotFound" in read.failed[missing]


@pytest.mark.parametrize(
    "field",
    ["max_pixels", "preview_size", "thumbnail_size", "max_thumbnail_bytes", "max_thumbnails"],
)
def test_visual_limits_must_be_positive(field: str) -> None:
    """Every picture limit is a positive integer."""
    with pytest.raises(ValueError, match=field):
        VisualLimits(**{field: 0})
