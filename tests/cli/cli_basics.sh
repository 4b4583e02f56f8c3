#!/usr/bin/env bash
# The CLI frame: version, help, documented exit codes for usage errors.
source "$(dirname "$0")/../lib.sh"

expect_rc version_exits_0 0 "$KS" --version
expect_grep version_prints_name '^kanshiki [0-9]+\.[0-9]+' "$TMP/.out"
expect_rc help_lists_commands 0 "$KS" help
expect_grep help_mentions_ingest 'ingest' "$TMP/.out"
for c in ingest info query timeline; do
  expect_rc "help_${c}_exits_0" 0 "$KS" help "$c"
  expect_grep "help_${c}_shows_usage" "^usage: kanshiki $c" "$TMP/.out"
done
expect_rc no_command_is_usage_error 2 "$KS"
expect_rc unknown_command_is_usage_error 2 "$KS" frobnicate
expect_grep unknown_command_message_names_it "unknown command 'frobnicate'" "$TMP/.out"
expect_rc unknown_option_is_usage_error 2 "$KS" ingest --no-such-option x y
expect_rc missing_arguments_is_usage_error 2 "$KS" ingest onlycase
expect_rc option_help_exits_0 0 "$KS" query --help
expect_rc query_missing_case_is_input_error 3 "$KS" query "$TMP/nope" "SELECT 1"
expect_grep query_missing_case_names_path "$TMP/nope" "$TMP/.out"
