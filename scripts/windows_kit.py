"""Build the Windows download: the wheel and windows/安装.bat in one zip (scripts/windows-kit runs it)."""

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path


def build(checkout: Path, out: Path) -> Path:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "-q",
                "-w",
                folder,
                str(checkout),
            ],
            check=True,
        )
        (wheel,) = Path(folder).glob("perfeval_xl-*.whl")
        kit = out / "perfeval-xl-windows.zip"
        with zipfile.ZipFile(kit, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(wheel, wheel.name)
            archive.write(checkout / "windows" / "安装.bat", "安装.bat")
    return kit


if __name__ == "__main__":
    print(f"已生成 {build(Path(sys.argv[1]), Path(sys.argv[2]))}")
