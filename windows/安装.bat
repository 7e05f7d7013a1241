@echo off
setlocal
rem 安装“绩效自评”（perfeval-xl）：Python 包和 Excel 加载项，一次装好。
rem 用法：把本文件和 perfeval_xl-*.whl 放在同一个文件夹里（解压下载的压缩包即可），先退出 Excel，再双击本文件。
rem 本文件按 GBK 保存（中文 Windows 命令行的默认编码），换行为 CRLF；请不要用记事本另存为 UTF-8。

where py >nul 2>nul
if errorlevel 1 (
  echo 没有找到 Python。请先从 python.org 下载安装 Python 3.10 或更新版本（安装时勾选“Add python.exe to PATH”），再双击本文件。
  goto :failed
)
set "WHEEL="
for %%f in ("%~dp0perfeval_xl-*.whl") do set "WHEEL=%%~ff"
if not defined WHEEL (
  echo 本文件旁边没有 perfeval_xl-*.whl：请把下载的压缩包完整解压后，在解压出的文件夹里双击本文件。
  goto :failed
)
echo 正在安装 %WHEEL% 和它用到的程序包，需要几分钟……
py -3 -m pip install --upgrade "%WHEEL%"
if errorlevel 1 goto :failed
echo 正在把“绩效自评”加载项装进 Excel……
py -3 -m perfeval_xl.cli addin install
if errorlevel 1 goto :failed
py -3 -m perfeval_xl.cli doctor
echo.
echo 安装完成。启动 Excel，功能区上出现“绩效自评”选项卡即可使用；以后出了问题，在命令行运行 py -3 -m perfeval_xl.cli doctor 查看。
pause
exit /b 0

:failed
echo.
echo 安装没有完成。请把这个窗口的内容截图，发给负责技术支持的同事。
pause
exit /b 1
