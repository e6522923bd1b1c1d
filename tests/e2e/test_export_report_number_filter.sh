#!/usr/bin/env bash
# A report exported for one number (number=, ptrack export --number)
# states it among its filters (筛选条件：编号：...), as it states every
# other list filter, in the spelling it was applied in (晋-００１ is
# 晋-001): the figures and rows of one proposal must not read as the
# office's whole. A report without the filter names no number.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve

api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议", "number": "晋-001", "delegation": "山西代表团", "lead_author": "李国华"}'
check_status "proposal 晋-001" 201
api POST /v1/proposals '{"title": "关于完善农村养老服务体系的建议", "number": "晋-002", "delegation": "山西代表团", "lead_author": "张建军"}'
check_status "proposal 晋-002" 201

for fmt in md html; do
    pt_step "$fmt"
    api GET "/v1/exports?format=$fmt&number=$(urlenc 晋-001)"
    check_status "$fmt number=晋-001" 200
    check_contains "$fmt: the number is stated among the filters" "筛选条件：编号：晋-001" "$BODY"
    check_contains "$fmt: its one proposal is counted" "建议总数" "$BODY"
    api GET "/v1/exports?format=$fmt&number=$(urlenc 晋-００１)&delegation=$(urlenc 山西代表团)"
    check_status "$fmt number=晋-００１ (full-width digits)" 200
    check_contains "$fmt: the number as applied, with the other filters" \
        "筛选条件：编号：晋-001；代表团：山西代表团" "$BODY"
    api GET "/v1/exports?format=$fmt"
    check_status "$fmt without filters" 200
    check_true "$fmt: no filter stated" test "${BODY#*筛选条件}" = "$BODY"
done

pt_stop
pt_finish
