# METADATA
# title: Deadlines of 银发〔2018〕102号 (who owes what to whom, and whether it came in time)
# description: |
#   Reads data.notice, which the host compiles from obligations.yaml: every obligation with its
#   schedule, the reporter kinds it binds and the recipient of each. Dates arrive as whole day
#   numbers (`day`) and working-day ordinals (`wo`) that the host computes from the State Council
#   calendar, so everything here is integer comparison. No obligation, number or clause is named here.
package obligations.due

notice := data.notice

# ---- reporter kind (三（二）, 第二十一条) -------------------------------------------------------

# An explicit kind wins; a name of the operating institution (运行机构, 中国人民银行征信中心) is the
# operator; a branch of a national institution is a branch; a branch of any other institution is
# local (第二十一条: 其他省（区、市）地方法人接入机构在辖区内的分支机构); a name on the annex 1 list
# is national; every other access institution is local.
reporter_kind(institution) := institution.kind if is_string(institution.kind)

else := "operator" if notice.operators[institution.name]

else := "branch" if notice.national[institution.branchOf]

else := "local" if is_string(institution.branchOf)

else := "national" if notice.national[institution.name]

# A name that begins with a name of annex 1 and goes on (中国工商银行北京市分行) is one of its branches.
else := "branch" if branch_name(institution.name)

else := "local"

branch_name(name) if {
	some national, _ in notice.national
	startswith(name, national)
	name != national
}

# basis says why a name was read as its kind: a name that is neither on a list nor plainly local (a
# word of parties.localMarkers) is "unlisted", read as local but flagged, since a national head office
# and the operator file elsewhere; a name with a PBOC word is flagged too (an office of the People's
# Bank is no access institution).
name_basis(institution) := "given" if is_string(institution.kind)

else := "operator-name" if notice.operators[institution.name]

else := "branch-of-national" if notice.national[institution.branchOf]

else := "branch-of-other" if is_string(institution.branchOf)

else := "annex-1" if notice.national[institution.name]

else := "branch-name" if branch_name(institution.name)

else := "pboc-name" if {
	some word in notice.pbocMarkers
	contains(institution.name, word)
}

else := "plainly-local" if {
	some word in notice.localMarkers
	contains(institution.name, word)
}

else := "unlisted"

default requested_basis := "only-kind"

requested_basis := "given" if is_string(input.reporter)

else := name_basis(input.institution) if is_object(input.institution)

requested_kind := input.reporter if is_string(input.reporter)

else := reporter_kind(input.institution) if is_object(input.institution)

# An obligation that binds one kind of reporter only needs no --reporter.
else := kind if {
	some kind, _ in notice.obligations[input.obligation].reporters
	count(notice.obligations[input.obligation].reporters) == 1
}

# object.keys is not among the built-ins the JS SDK provides (generated/capabilities.json), so no WASM.
# regal ignore:use-object-keys
kinds_of(obligation) := sort({kind | some kind, _ in obligation.reporters})

# rule_for lays the reporter's own numbers (a day of the month, a count) over the obligation's schedule.
rule_for(obligation, kind) := {
	"id": obligation.id,
	"kind": kind,
	"nature": obligation.nature,
	"start": obligation.start,
	"schedule": object.union(obligation.schedule, object.get(entry, "schedule", {})),
	"onNonWorkingDay": obligation.onNonWorkingDay,
	"recipient": object.get(entry, "recipient", null),
	"interpretations": array.concat(obligation.interpretations, object.get(entry, "interpretations", [])),
	"alsoTo": object.get(entry, "alsoTo", []),
	"inferred": object.get(entry, "inferred", object.get(obligation, "inferred", null)),
} if {
	entry := obligation.reporters[kind]
}

# ---- resolve: one obligation for one reporter --------------------------------------------------

# object.keys is not among the built-ins the JS SDK provides (generated/capabilities.json), so no WASM.
# regal ignore:use-object-keys
known := sort({id | some id, _ in notice.obligations})

resolve := {"ok": false, "problems": [{"code": "unknown-obligation", "allowed": known}]} if {
	not notice.obligations[input.obligation]
}

resolve := {"ok": true, "rule": rule_for(obligation, requested_kind)} if {
	obligation := notice.obligations[input.obligation]
	obligation.reporters[requested_kind]
}

resolve := {"ok": false, "problems": [{
	"code": "not-applicable",
	"kind": requested_kind,
	"allowed": kinds_of(obligation),
}]} if {
	obligation := notice.obligations[input.obligation]
	is_string(requested_kind)
	not obligation.reporters[requested_kind]
}

resolve := {"ok": false, "problems": [{"code": "reporter-needed", "allowed": kinds_of(obligation)}]} if {
	obligation := notice.obligations[input.obligation]
	not requested_kind
}

# ---- plan: every obligation of one reporter ---------------------------------------------------

plan := {"kind": requested_kind, "basis": requested_basis, "rules": [rule_for(notice.obligations[id], requested_kind) |
	some id in known
	notice.obligations[id].reporters[requested_kind]
]} if {
	is_string(requested_kind)
}

# ---- status: a submission (or its absence) against its due date ------------------------------

status := [classify(c) | some c in input.checks]

submitted(c) if is_object(c.submitted)

# span counts from one date to another in calendar days and, when both carry an ordinal on the
# working-day calendar, in working days.
span(from, to) := {"days": to.day - from.day, "workingDays": to.wo - from.wo} if {
	is_number(from.wo)
	is_number(to.wo)
}

else := {"days": to.day - from.day}

# A deadline is met by an act on the due day itself.
classify(c) := {"key": c.key, "status": "on-time", "early": span(c.submitted, c.due)} if {
	submitted(c)
	c.submitted.day <= c.due.day
}

classify(c) := {"key": c.key, "status": late_status[c.nature], "late": span(c.due, c.submitted)} if {
	submitted(c)
	c.submitted.day > c.due.day
}

classify(c) := {"key": c.key, "status": overdue_status[c.nature], "overdue": span(c.due, c.asOf)} if {
	not submitted(c)
	c.asOf.day > c.due.day
}

classify(c) := {"key": c.key, "status": "pending", "left": span(c.asOf, c.due)} if {
	not submitted(c)
	c.asOf.day <= c.due.day
}

# A duty not done in time is late or missing; a right (an appeal) not used in time has lapsed.
late_status := {"duty": "late", "right": "out-of-time"}

overdue_status := {"duty": "missing", "right": "lapsed"}
