#!/usr/bin/env bash
# custody: registering evidence, hand-overs, signatures, and detection of every kind of
# tampering with the log (edit, removal, insertion, reorder, truncation, wrong key).
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
head -c 100000 /dev/urandom > ev.bin
SHA=$(sha256sum < ev.bin | cut -d' ' -f1)
export KANSHIKI_EXAMINER=alice

expect_rc custody_add_exits_0 0 "$KS" custody add case ev.bin --source "i-0abc /dev/xvdf" --note "from snapshot snap-1"
expect_eq custody_log_is_created_in_case_dir "$(ls case)" custody.jsonl
expect_grep custody_add_records_sha256_of_file "\"sha256\":\"$SHA\"" case/custody.jsonl
expect_grep custody_add_records_examiner_from_env '"examiner":"alice"' case/custody.jsonl
"$KS" custody keygen -o alice.key >/dev/null
"$KS" custody keygen -o mallory.key >/dev/null
expect_eq keygen_secret_key_is_private "$(stat -c %a alice.key)" 600
expect_rc custody_handover_signed_exits_0 0 "$KS" custody handover case --item ev.bin --to bob --note "evidence bag 7" --key alice.key
KANSHIKI_KEY=alice.key "$KS" custody log case --item ev.bin --action export --location /mnt/usb1 >/dev/null
expect_rc custody_log_without_action_is_usage_error 2 "$KS" custody log case --item ev.bin
"$KS" acquire ev.bin -o ev.raw --case case -e dave -q >/dev/null 2>&1
expect_grep acquire_with_case_records_acquire_entry '"seq":4,.*"action":"acquire","item":"ev.raw".*"status":"complete".*"examiner":"dave"' case/custody.jsonl

expect_rc custody_verify_intact_exits_0 0 "$KS" custody verify case
expect_grep custody_verify_counts_entries "intact, 4 entries \(2 signed\)" "$TMP/.out"
HEAD=$(sed -n 's/.*head \([0-9a-f]*\)$/\1/p' "$TMP/.out")
expect_rc custody_verify_expected_head_exits_0 0 "$KS" custody verify case --expect-head "$HEAD" --expect-count 4
expect_rc custody_verify_trusted_key_accepts_signer 0 "$KS" custody verify case --trusted-key alice.key.pub
expect_rc custody_verify_untrusted_signer_exits_1 1 "$KS" custody verify case --trusted-key mallory.key.pub
expect_grep custody_verify_names_untrusted_entry "entry 2: signed by a key that is not trusted" "$TMP/.out"
expect_rc custody_verify_require_signed_exits_1 1 "$KS" custody verify case --require-signed
expect_grep custody_verify_names_unsigned_entry "entry 1: not signed" "$TMP/.out"

expect_rc custody_show_exits_0 0 "$KS" custody show case
for f in "person:    alice" "to:        bob" "location:  /mnt/usb1" "sha256:    $SHA" "note:      evidence bag 7" "signed by: "; do
  expect_grep "custody_show_prints_${f%%:*}" "$f" "$TMP/.out"
done
expect_grep custody_show_prints_utc_time_and_action "^#2  20[0-9-]+T[0-9:.]+Z  handover  ev.bin" "$TMP/.out"

# tampering: each copy of the case gets one kind of damage
tamper() { rm -rf t; cp -r case t; chmod u+w t/custody.jsonl; }
tamper; sed -i '1s/alice/mallory/' t/custody.jsonl
expect_rc custody_edited_entry_exits_1 1 "$KS" custody verify t
expect_grep custody_edited_entry_is_named "custody.jsonl:1:.*entry 1: content does not match its hash: the entry was edited" "$TMP/.out"
tamper; sed -i '2d' t/custody.jsonl
expect_rc custody_removed_entry_exits_1 1 "$KS" custody verify t
expect_grep custody_removed_entry_is_named "entry 2 \(seq 3\): does not chain" "$TMP/.out"
tamper; { sed -n 1p case/custody.jsonl; sed -n 3p case/custody.jsonl; sed -n 2p case/custody.jsonl; sed -n 4p case/custody.jsonl; } > t/custody.jsonl
expect_rc custody_reordered_entries_exit_1 1 "$KS" custody verify t
expect_grep custody_reordered_entry_is_named "entry 2 \(seq 3\): does not chain" "$TMP/.out"
tamper; { sed -n 1,2p case/custody.jsonl; sed -n 2p case/custody.jsonl; sed -n 3,4p case/custody.jsonl; } > t/custody.jsonl
expect_rc custody_inserted_entry_exits_1 1 "$KS" custody verify t
expect_grep custody_inserted_entry_is_named "entry 3 \(seq 2\): does not chain" "$TMP/.out"
tamper; truncate -s -40 t/custody.jsonl
expect_rc custody_truncated_file_exits_1 1 "$KS" custody verify t
expect_grep custody_truncated_file_names_last_entry "entry 4: cut short" "$TMP/.out"
tamper; sed -i '$d' t/custody.jsonl
expect_rc custody_removed_tail_passes_without_anchor 0 "$KS" custody verify t
expect_rc custody_removed_tail_caught_by_expect_head 1 "$KS" custody verify t --expect-head "$HEAD"
expect_grep custody_removed_tail_message "the last entry \(3\) is not the expected head" "$TMP/.out"
tamper; sed -i '2s/"to":"bob"/"to":"eve"/' t/custody.jsonl
expect_rc custody_edited_signed_entry_exits_1 1 "$KS" custody verify t
expect_grep custody_edited_signed_entry_is_named "entry 2: content does not match its hash" "$TMP/.out"
expect_rc custody_show_of_tampered_log_exits_1 1 "$KS" custody show t
tamper; truncate -s -40 t/custody.jsonl
expect_rc custody_append_refuses_damaged_log 1 "$KS" custody log t --item ev.bin --action note
expect_grep custody_append_refusal_says_why "ends in the middle of an entry" "$TMP/.out"

expect_rc custody_verify_without_log_exits_3 3 "$KS" custody verify nocase
expect_rc custody_unknown_subcommand_is_usage_error 2 "$KS" custody frobnicate case

# hostile text is stored as JSON and shown escaped
"$KS" custody log case --item "$(printf 'x\033[31mred')" --action note --note "$(printf 'a\nb')" >/dev/null
expect_rc custody_verify_after_hostile_text_exits_0 0 "$KS" custody verify case
"$KS" custody show case > show.txt 2>&1
expect_eq custody_show_escapes_terminal_controls "$(grep -c $'\033' show.txt)" 0

# concurrent appends keep the chain intact
for i in 1 2 3 4 5 6; do "$KS" custody log case --item "p$i" --action note >/dev/null & done; wait
expect_rc custody_concurrent_appends_keep_chain 0 "$KS" custody verify case --expect-count 11
