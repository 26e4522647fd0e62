"""`serve --watermarks`: the service runs the watermark decoder like `check --watermarks`."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from serve_process import ServeProcess

from verify.cli import main
from verify.detectors import watermark


def test_serve_watermarks_finds_the_sd_mark(samples_dir: Path) -> None:
    """A real server started with --watermarks reports the SD sample's watermark."""
    with (
        ServeProcess("--workers", "1", "--watermarks") as server,
        httpx.Client(base_url=server.url, timeout=60.0) as client,
    ):
        response = client.post(
            "/v1/verify",
            params={"filename": "sd-watermark.png"},
            content=(samples_dir / "sd-watermark.png").read_bytes(),
            headers={"Content-Type": "application/octet-stream"},
        )
    report = response.json()
    assert report["declaration"]["origin"] == "ai_generated"
    assert [s["detector"] for s in report["signals"]] == ["watermark"]


def test_serve_watermarks_without_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """serve --watermarks without the extra exits 2 before starting, naming the extra."""
    monkeypatch.setattr(watermark, "missing_dependencies", lambda: "cv2")
    result = CliRunner().invoke(main, ["serve", "--watermarks", "--port", "0"])
    assert result.exit_code == 2
    assert "pip install 'c2pa-verify[watermark]'" in result.output
