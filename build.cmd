@echo off
rem Qieemo.ML build entry point for Windows. Usage: build.cmd [build|test|demo|bench|qieemo|clean] [args...]
setlocal EnableDelayedExpansion
cd /d "%~dp0"
if "%CONFIGURATION%"=="" set CONFIGURATION=Release
if "%OMP_WAIT_POLICY%"=="" set OMP_WAIT_POLICY=PASSIVE
set DOTNET_CLI_TELEMETRY_OPTOUT=1
set DOTNET_NOLOGO=1
set CMD=%1
if "%CMD%"=="" set CMD=build
shift
set ARGS=
:collect
if "%~1"=="" goto run
set ARGS=!ARGS! %1
shift
goto collect
:run
if /i "%CMD%"=="build" goto build
if /i "%CMD%"=="test" goto test
if /i "%CMD%"=="demo" goto demo
if /i "%CMD%"=="bench" goto bench
if /i "%CMD%"=="qieemo" goto qieemo
if /i "%CMD%"=="clean" goto clean
echo unknown command '%CMD%' (build^|test^|demo^|bench^|qieemo^|clean) 1>&2
exit /b 2
:build
dotnet build Qieemo.ML.sln -c %CONFIGURATION% -nologo -v minimal %ARGS%
exit /b %ERRORLEVEL%
:test
call :tools || exit /b 1
dotnet build Qieemo.ML.sln -c %CONFIGURATION% -nologo -v minimal || exit /b 1
dotnet test Qieemo.ML.sln -c %CONFIGURATION% --no-build -nologo --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" --results-directory artifacts\test-results %ARGS%
exit /b %ERRORLEVEL%
:demo
call :tools || exit /b 1
dotnet build Qieemo.ML.sln -c %CONFIGURATION% -nologo -v minimal || exit /b 1
dotnet src\Qieemo.Cli\bin\%CONFIGURATION%\net10.0\qieemo.dll demo %ARGS%
exit /b %ERRORLEVEL%
:bench
echo The benchmarks compare against Python torchaudio/PyTorch and sox; run them with build.sh (Linux/WSL). 1>&2
exit /b 1
:qieemo
dotnet src\Qieemo.Cli\bin\%CONFIGURATION%\net10.0\qieemo.dll %ARGS%
exit /b %ERRORLEVEL%
:clean
if exist artifacts rmdir /s /q artifacts
for /d /r src %%d in (bin obj) do if exist "%%d" rmdir /s /q "%%d"
for /d /r test %%d in (bin obj) do if exist "%%d" rmdir /s /q "%%d"
exit /b 0
:tools
where espeak-ng >nul 2>nul || (echo espeak-ng is missing: install eSpeak NG from its releases page and put it on PATH. 1>&2 & exit /b 1)
where sox >nul 2>nul || (echo sox is missing: install SoX and put it on PATH. 1>&2 & exit /b 1)
exit /b 0
