# METADATA
# title: The monthly security statistics report (银发〔2018〕102号 三（二）and annex 2)
# description: |
#   Checks a set of monthly reports that already match their JSON Schema (whole counts >= 0, all
#   five written, signatories present) for what the schema cannot say: remarks for every count that
#   is not zero, one report per reporter and month, corrections that name what they correct, and
#   months reported before they end. Then sums the effective reports institution -> region ->
#   nation. Returns codes and report indexes; the host writes the messages.
package obligations.report

event_types := data.notice.eventTypes

all_reports := input.reports

# ---- what the checks read -------------------------------------------------------------------

remark(r, t) := trim_space(object.get(object.get(r, "remarks", {}), t, ""))

month_key(r) := [r.region, r.institution, r.period]

correction(r) if is_string(r.correctionOf)

original(r) if not correction(r)

targets(r) := {k | some k, a in all_reports; a.id == r.correctionOf}

has_original(b) if {
	some a in all_reports
	original(a)
	month_key(a) == month_key(b)
}

# Months as whole numbers (year * 12 + month - 1), so a gap is integer arithmetic; the host writes
# the month back as YYYY-MM.
month_number(period) := ((to_number(substring(period, 0, 4)) * 12) + to_number(substring(period, 5, 2))) - 1

key_of_reporter(r) := [r.region, r.institution]

months_of_reporter(key) := {month_number(r.period) | some r in all_reports; key_of_reporter(r) == key}

# ---- one report ----------------------------------------------------------------------------

# 附件2 注2: 在备注中描述违规事件的详细情况. Every event type counted must be described.
problems contains {"code": "remarks-missing", "severity": "error", "report": i, "eventType": t} if {
	some i, r in all_reports
	some t in event_types
	r.counts[t] > 0
	remark(r, t) == ""
}

# A remark on an event type with no events is probably a slip (the count or the key is wrong).
problems contains {"code": "remarks-without-events", "severity": "warning", "report": i, "eventType": t} if {
	some i, r in all_reports
	some t in event_types
	r.counts[t] == 0
	remark(r, t) != ""
}

# 按月定期 报送上月情况: a month is reported once it is over.
problems contains {"code": "period-not-over", "severity": "error", "report": i, "asOfPeriod": input.asOfPeriod} if {
	is_string(input.asOfPeriod)
	some i, r in all_reports
	r.period >= input.asOfPeriod
}

# ---- the set: one report per reporter and month, explicit corrections ----------------------

problems contains {"code": "duplicate-id", "severity": "error", "report": j, "first": first} if {
	some j, b in all_reports
	earlier := {k | some k, a in all_reports; k < j; a.id == b.id}
	count(earlier) > 0
	first := min(earlier)
}

problems contains {"code": "duplicate-month", "severity": "error", "report": j, "first": first} if {
	some j, b in all_reports
	original(b)
	earlier := {k | some k, a in all_reports; k < j; original(a); month_key(a) == month_key(b)}
	count(earlier) > 0
	first := min(earlier)
}

problems contains {"code": "correction-unknown", "severity": "error", "report": j, "target": b.correctionOf} if {
	some j, b in all_reports
	correction(b)
	count(targets(b)) == 0
}

problems contains {"code": "correction-of-itself", "severity": "error", "report": j} if {
	some j, b in all_reports
	b.correctionOf == b.id
}

problems contains {"code": "correction-mismatch", "severity": "error", "report": j, "target": k} if {
	some j, b in all_reports
	correction(b)
	some k in targets(b)
	month_key(all_reports[k]) != month_key(b)
}

problems contains {"code": "correction-conflict", "severity": "error", "report": j, "first": first} if {
	some j, b in all_reports
	correction(b)
	earlier := {k | some k, a in all_reports; k < j; a.correctionOf == b.correctionOf}
	count(earlier) > 0
	first := min(earlier)
}

problems contains {"code": "correction-without-original", "severity": "error", "report": j} if {
	some j, b in all_reports
	correction(b)
	not has_original(b)
}

# ---- a series: no month missing between a reporter's first and last month -------------------

# 按月定期: every month between a reporter's first and last report is reported; the gap is charged to
# the first report after it.
problems contains {"code": "month-missing", "severity": "error", "report": j, "target": m} if {
	some key in {key_of_reporter(r) | some r in all_reports}
	months := months_of_reporter(key)
	some m in numbers.range(min(months), max(months))
	not months[m]
	after := {k | some k, r in all_reports; key_of_reporter(r) == key; month_number(r.period) > m}
	firsts := [k |
		some k in after
		month_number(all_reports[k].period) == min({month_number(all_reports[x].period) | some x in after})
	]
	j := min({k | some k in firsts})
}

# A report is superseded when another report corrects it; the rest are the effective ones.
superseded contains r.correctionOf if {
	some r in all_reports
	correction(r)
}

effective := [i | some i, r in all_reports; not superseded[r.id]]

check := {"problems": problems, "effective": effective}

# ---- aggregation: institutions -> region -> nation -----------------------------------------

totals(rows) := {t: sum([r.counts[t] | some r in rows]) | some t in event_types}

# head-office-reports-apart: the report of a national head office (三（二）, to 征信管理局) covers the
# whole institution, its branches included, which also report to their regions; it is listed apart
# and left out of the regions and the 合计, so no event is counted twice.
head_office(r) if r.reporterKind == "national"

head_office(r) if {
	not r.reporterKind
	not r.branchOf
	data.notice.national[r.institution]
}

regional := [r | some r in all_reports; not head_office(r)]

regions := sort({r.region | some r in regional})

# Rows sort by institution name within a region (Unicode order), so the table is reproducible.
region_rows(g) := [pair[1] |
	some pair in sort([[r.institution, i] | some i, r in all_reports; r.region == g; not head_office(r)])
]

head_office_rows := [pair[1] | some pair in sort([[r.institution, i] | some i, r in all_reports; head_office(r)])]

aggregate := {
	"regions": [{"region": g, "rows": region_rows(g), "total": totals([r | some r in regional; r.region == g])} |
		some g in regions
	],
	"total": totals(regional),
	"headOffices": {"rows": head_office_rows, "total": totals([r | some r in all_reports; head_office(r)])},
}
