#!/usr/bin/env bash
# Runs Keyaki's main jobs on the bundled examples and shows each verdict.
# A FAIL or a finding is an expected answer here, so exit codes 1 are reported, not fatal.
set -u
cd "$(dirname "$0")/.."
keyaki() { node dist/src/cli/main.js "$@"; }
status=0
run() {
  local expected=$1; shift
  echo "\$ keyaki $*"
  keyaki "$@"
  local code=$?
  echo "(exit $code, expected $expected)"; echo
  [ "$code" = "$expected" ] || status=1
}
run 0 iam validate-policy --policy-document file://examples/iam/identity-policy.json --policy-type IDENTITY_POLICY --output text
run 1 iam validate-policy --policy-document file://examples/iam/flawed-policy.json --policy-type IDENTITY_POLICY --output text
run 1 iam check-no-new-access --existing-policy-document file://examples/iam/identity-policy.json \
  --new-policy-document file://examples/iam/identity-policy-v2.json --policy-type IDENTITY_POLICY
run 0 iam check-no-new-access --existing-policy-document file://examples/iam/identity-policy-v2.json \
  --new-policy-document file://examples/iam/identity-policy.json --policy-type IDENTITY_POLICY
run 1 iam check-access-not-granted --policy-document file://examples/iam/identity-policy-v2.json \
  --access '[{"actions":["s3:DeleteObject"]}]' --policy-type IDENTITY_POLICY
run 0 iam check-no-public-access --policy-document file://examples/iam/bucket-policy.json --resource-type AWS::S3::Bucket
run 0 iam refine --policy-document file://examples/refine/lambda-s3.json \
  --unused-permissions file://examples/refine/lambda-s3.unused.json --output diff
exit $status
