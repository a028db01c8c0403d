#!/bin/sh
# disclo 每月登记（sh 版）：登记上个月的台账，看本年累计和待办的申请，备份台账库。
#
# 用法：  sh monthly.sh            登记上个月（1 月 5 日运行，登记上年 12 月）
#         sh monthly.sh 2026-11    登记指定的月份
#
# 把本文件复制到工作区文件夹（disclo.toml 所在的文件夹）。台账放在其下的「台账」文件夹：
#   主动公开台账2026-11.xlsx（每月一个），或 主动公开台账2026.xlsx（全年一个）
#   依申请公开台账2026.xlsx、行政复议诉讼台账2026.xlsx（全年一个；没有也可以）
# 上一年的依申请公开台账如仍在「台账」中，一并重新登记：1 月里补写的跨年答复由此入库；
# 未改动的文件再登记不改变任何数字。
#
# 退出码：0 全部正常；1 有被拒收的行或已超期的申请（见上面的提示）；2 以上 出错。
# 定时运行（crontab -e）：每月 5 日 9 点
#   0 9 5 * * sh /path/to/工作区/monthly.sh >> /path/to/工作区/备份/monthly.log 2>&1

cd "$(dirname "$0")" || exit 2
if command -v disclo >/dev/null 2>&1; then DISCLO=disclo; else DISCLO="python3 -m disclo_cli"; fi

if [ $# -ge 1 ]; then
    ym=$1
else
    y=$(date +%Y); m=$(date +%m); m=${m#0}
    if [ "$m" -eq 1 ]; then y=$((y - 1)); m=12; else m=$((m - 1)); fi
    ym=$(printf '%04d-%02d' "$y" "$m")
fi
case $ym in
    [12][0-9][0-9][0-9]-0[1-9] | [12][0-9][0-9][0-9]-1[0-2]) ;;
    *) echo "monthly.sh：月份应写成 2026-11 这样，而不是「$ym」。" >&2; exit 2 ;;
esac
year=${ym%-*}
status=0
worst() { if [ "$1" -gt "$status" ]; then status=$1; fi; }

set --
if [ -f "台账/主动公开台账$ym.xlsx" ]; then
    set -- "台账/主动公开台账$ym.xlsx"
elif [ -f "台账/主动公开台账$year.xlsx" ]; then
    set -- "台账/主动公开台账$year.xlsx"
else
    echo "monthly.sh：没有 台账/主动公开台账$ym.xlsx，也没有 台账/主动公开台账$year.xlsx，本次不登记主动公开。" >&2
fi
for f in "台账/依申请公开台账$((year - 1)).xlsx" "台账/依申请公开台账$year.xlsx" "台账/行政复议诉讼台账$year.xlsx"; do
    if [ -f "$f" ]; then set -- "$@" "$f"; fi
done

echo "== $ym：登记台账" >&2
if [ $# -gt 0 ]; then
    $DISCLO ingest "$@"; worst $?
else
    echo "monthly.sh：「台账」文件夹中没有要登记的台账。" >&2; worst 1
fi
echo "== $year 年主动公开累计" >&2
$DISCLO tally --year "$year"; worst $?
echo "== 5 个工作日内到期和已超期的申请" >&2
$DISCLO requests --due-within 5; worst $?
mkdir -p 备份 && $DISCLO ledger backup "备份/disclo-$(date +%Y-%m-%d).sqlite"; worst $?
exit $status
