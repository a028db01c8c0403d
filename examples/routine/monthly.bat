@echo off
rem disclo 每月登记（Windows 版）：登记上个月的台账，看本年累计和待办的申请，备份台账库。
rem
rem 用法：  monthly.bat            登记上个月（1 月 5 日运行，登记上年 12 月）
rem         monthly.bat 2026-11    登记指定的月份
rem
rem 把本文件复制到工作区文件夹（disclo.toml 所在的文件夹），在命令提示符中运行。
rem 本文件以 ANSI（GBK）编码保存：用记事本修改后另存时，编码请选「ANSI」。
rem 台账放在工作区下的「台账」文件夹：
rem   主动公开台账2026-11.xlsx（每月一个），或 主动公开台账2026.xlsx（全年一个）
rem   依申请公开台账2026.xlsx、行政复议诉讼台账2026.xlsx（全年一个；没有也可以）
rem 上一年的依申请公开台账如仍在「台账」中，一并重新登记：1 月里补写的跨年答复由此入库；
rem 未改动的文件再登记不改变任何数字。
rem
rem 退出码：0 全部正常；1 有被拒收的行或已超期的申请（见上面的提示）；2 以上 出错。
rem 定时运行：任务计划程序 - 创建基本任务 - 每月 5 日 - 启动程序：本文件，
rem   “起始于”填工作区文件夹；要留记录，程序填 cmd，参数填
rem   /c monthly.bat ^>^> 备份\monthly.log 2^>^&1

setlocal EnableExtensions
cd /d "%~dp0"
set "DISCLO=disclo"
where disclo >nul 2>nul && goto have_disclo
set "DISCLO=py -m disclo_cli"
where py >nul 2>nul && goto have_disclo
set "DISCLO=python -m disclo_cli"
:have_disclo

set "YM=%~1"
if not "%YM%"=="" goto have_month
for /f %%i in ('powershell -NoProfile -Command "(Get-Date).AddMonths(-1).ToString('yyyy-MM')"') do set "YM=%%i"
:have_month
echo %YM%| findstr /r /x "[12][0-9][0-9][0-9]-0[1-9] [12][0-9][0-9][0-9]-1[0-2]" >nul
if errorlevel 1 goto bad_month
set "YEAR=%YM:~0,4%"
set /a PREV=%YEAR%-1
set STATUS=0

set "FILES="
if exist "台账\主动公开台账%YM%.xlsx" (
    set FILES="台账\主动公开台账%YM%.xlsx"
) else if exist "台账\主动公开台账%YEAR%.xlsx" (
    set FILES="台账\主动公开台账%YEAR%.xlsx"
) else (
    >&2 echo monthly.bat：没有 台账\主动公开台账%YM%.xlsx，也没有 台账\主动公开台账%YEAR%.xlsx，本次不登记主动公开。
)
if exist "台账\依申请公开台账%PREV%.xlsx" set FILES=%FILES% "台账\依申请公开台账%PREV%.xlsx"
if exist "台账\依申请公开台账%YEAR%.xlsx" set FILES=%FILES% "台账\依申请公开台账%YEAR%.xlsx"
if exist "台账\行政复议诉讼台账%YEAR%.xlsx" set FILES=%FILES% "台账\行政复议诉讼台账%YEAR%.xlsx"

>&2 echo == %YM%：登记台账
if not defined FILES goto no_files
%DISCLO% ingest %FILES%
call :worst %errorlevel%
goto tally
:no_files
>&2 echo monthly.bat：「台账」文件夹中没有要登记的台账。
call :worst 1
:tally
>&2 echo == %YEAR% 年主动公开累计
%DISCLO% tally --year %YEAR%
call :worst %errorlevel%
>&2 echo == 5 个工作日内到期和已超期的申请
%DISCLO% requests --due-within 5
call :worst %errorlevel%
for /f %%i in ('powershell -NoProfile -Command "Get-Date -Format yyyy-MM-dd"') do set "TODAY=%%i"
if not exist 备份 mkdir 备份
%DISCLO% ledger backup "备份\disclo-%TODAY%.sqlite"
call :worst %errorlevel%
exit /b %STATUS%

:bad_month
>&2 echo monthly.bat：月份应写成 2026-11 这样，而不是「%YM%」。
exit /b 2

:worst
if %1 GTR %STATUS% set STATUS=%1
exit /b 0
