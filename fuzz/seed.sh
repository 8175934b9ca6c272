#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>) from the project's own files, so that
# mutation starts from realistic input: the bundled schema files, the reply fixtures, a request
# and a filter, and events as JSON and as form pairs.
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/{schema,reply,validator,event}

# Schema: the first byte picks the kind of file (see `tests/src/hostile.rs`).
seed_schema() { { printf "\\x$1"; cat "$2"; } > "corpus/schema/seed-$(basename "$2")"; }
seed_schema 00 "$root/schema/enums.yaml"
seed_schema 01 "$root/schema/operators.yaml"
seed_schema 02 "$root/schema/errors.yaml"
for f in "$root"/schema/methods/*.yaml "$root"/tests/fixtures/schemas/*/methods/*.yaml; do seed_schema 03 "$f"; done
for f in "$root"/schema/events/*.yaml; do seed_schema 04 "$f"; done

cp "$root"/tests/fixtures/*_reply.json corpus/reply/

cat > corpus/validator/seed-params.json <<'JSON'
{"access_token":"t","date_from":"2026-03-01 00:00:00","date_till":"2026-03-31 23:59:59","limit":100,"offset":0,"fields":["id","start_time","finish_reason"],"sort":[{"field":"start_time","order":"desc"}],"filter":{"filters":[{"field":"finish_reason","operator":"in","value":["subscriber_disconnects"]},{"filters":[{"field":"id","operator":">","value":5},{"field":"contact_phone_number","operator":"like","value":"7495%"}],"condition":"or"}],"condition":"and"}}
JSON
echo '{"field":"tags","operator":"overlap","value":[1,2]}' > corpus/validator/seed-filter.json

# Events: an even first byte for JSON, an odd one for form pairs.
printf '\x00{"event":"Joined","channel":"call","attempt_id":"90017","destination":74951234567,"use_processing":"true","agent_channel_id":"a","member_channel_id":"m","crm_deal_id":"77"}' > corpus/event/seed-joined
printf '\x01event=Missed&channel=chat&member_channel_id=m&cc_result=abandoned&queue_priority=high' > corpus/event/seed-missed
