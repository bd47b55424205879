// Specifications of the condition operators, as "IAM JSON policy elements:
// Condition operators", "Single-valued vs. multivalued context keys" and
// "Conditions with multiple context keys or values" state them. Each case is
// a one-statement Allow carrying the condition: Allow means the condition holds.
import { describe, expect, it } from 'vitest';
import { holds } from './evaluate-helpers.js';

describe('String operators', () => {
  it('StringEquals is exact and case-sensitive', () => {
    const condition = { StringEquals: { 'aws:PrincipalTag/team': 'Blue' } };
    expect(holds(condition, { 'aws:PrincipalTag/team': 'Blue' })).toBe(true);
    expect(holds(condition, { 'aws:PrincipalTag/team': 'blue' })).toBe(false);
    expect(holds(condition, { 'aws:PrincipalTag/team': 'Blue ' })).toBe(false);
  });

  it('condition key names are case-insensitive, values are not', () => {
    const condition = { StringEquals: { 'AWS:PRINCIPALTAG/TEAM': 'Blue' } };
    expect(holds(condition, { 'aws:principaltag/team': 'Blue' })).toBe(true);
  });

  it('StringEquals treats * as text: wildcards belong to StringLike', () => {
    const condition = { StringEquals: { 'aws:PrincipalTag/team': 'B*' } };
    expect(holds(condition, { 'aws:PrincipalTag/team': 'Blue' })).toBe(false);
    expect(holds(condition, { 'aws:PrincipalTag/team': 'B*' })).toBe(true);
  });

  it('StringEqualsIgnoreCase and StringNotEqualsIgnoreCase ignore case', () => {
    expect(
      holds(
        { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'BLUE' } },
        { 'aws:PrincipalTag/team': 'blue' },
      ),
    ).toBe(true);
    expect(
      holds(
        { StringNotEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'BLUE' } },
        { 'aws:PrincipalTag/team': 'blue' },
      ),
    ).toBe(false);
    expect(
      holds(
        { StringNotEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'BLUE' } },
        { 'aws:PrincipalTag/team': 'red' },
      ),
    ).toBe(true);
  });

  it('StringLike takes * and ? anywhere in the value, and * spans slashes and colons', () => {
    const condition = { StringLike: { 's3:prefix': ['home/?/*', 'shared:*'] } };
    expect(holds(condition, { 's3:prefix': 'home/a/b/c' })).toBe(true);
    expect(holds(condition, { 's3:prefix': 'shared:x:y' })).toBe(true);
    expect(holds(condition, { 's3:prefix': 'home/ab/c' })).toBe(false);
  });

  it('StringNotLike holds when no value matches ("values are evaluated using a logical NOR")', () => {
    const condition = { StringNotLike: { 's3:prefix': ['home/*', 'shared/*'] } };
    expect(holds(condition, { 's3:prefix': 'private/x' })).toBe(true);
    expect(holds(condition, { 's3:prefix': 'shared/x' })).toBe(false);
  });

  it('several values of one key are ORed', () => {
    const condition = { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } };
    expect(holds(condition, { 'aws:RequestedRegion': 'eu-west-1' })).toBe(true);
    expect(holds(condition, { 'aws:RequestedRegion': 'ap-south-1' })).toBe(false);
  });

  it('several keys and several operators are ANDed', () => {
    const condition = {
      StringEquals: { 'aws:RequestedRegion': 'us-east-1', 'aws:PrincipalTag/team': 'blue' },
      Bool: { 'aws:SecureTransport': 'true' },
    };
    const all = {
      'aws:RequestedRegion': 'us-east-1',
      'aws:PrincipalTag/team': 'blue',
      'aws:SecureTransport': true,
    };
    expect(holds(condition, all)).toBe(true);
    expect(holds(condition, { ...all, 'aws:SecureTransport': false })).toBe(false);
    expect(holds(condition, { ...all, 'aws:PrincipalTag/team': 'red' })).toBe(false);
  });
});

describe('a key missing from the request', () => {
  // "If the key that you specify in a policy condition is not present in the request context, the
  // values do not match and the condition is false. If the policy condition requires that the key is
  // not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
  const positive = [
    { StringEquals: { 'aws:SourceVpc': 'vpc-1' } },
    { StringLike: { 'aws:SourceVpc': '*' } },
    { NumericLessThan: { 's3:max-keys': '10' } },
    { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
    { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    { BinaryEquals: { 'custom:blob': 'QmluYXJ5' } },
    { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
    { ArnLike: { 'aws:SourceArn': 'arn:*' } },
  ];
  const negated = [
    { StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } },
    { StringNotLike: { 'aws:SourceVpc': '*' } },
    { StringNotEqualsIgnoreCase: { 'aws:SourceVpc': 'vpc-1' } },
    { NumericNotEquals: { 's3:max-keys': '10' } },
    { DateNotEquals: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
    { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    { ArnNotLike: { 'aws:SourceArn': 'arn:*' } },
    { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:t' } },
  ];

  it.each(positive)('fails a positive operator: %j', (condition) => {
    expect(holds(condition)).toBe(false);
  });

  it.each(negated)('passes a negated operator: %j', (condition) => {
    expect(holds(condition)).toBe(true);
  });

  it.each(positive)('passes the IfExists form of a positive operator: %j', (condition) => {
    const [operator, body] = Object.entries(condition)[0] ?? ['', {}];
    expect(holds({ [`${operator}IfExists`]: body })).toBe(true);
  });

  it('an IfExists operator still tests a key that is present ("if the key is present, evaluate the condition")', () => {
    const condition = { StringEqualsIfExists: { 'ec2:InstanceType': ['t3.micro', 't3.small'] } };
    expect(holds(condition, { 'ec2:InstanceType': 't3.micro' })).toBe(true);
    expect(holds(condition, { 'ec2:InstanceType': 'm5.24xlarge' })).toBe(false);
  });

  it('an empty array in the request is a key with no values, that is, absent', () => {
    expect(holds({ StringEquals: { 'aws:TagKeys': 'a' } }, { 'aws:TagKeys': [] })).toBe(false);
    expect(holds({ Null: { 'aws:TagKeys': 'true' } }, { 'aws:TagKeys': [] })).toBe(true);
  });
});

describe('Null', () => {
  it('Null true holds when the key is absent, Null false when it is present', () => {
    expect(holds({ Null: { 'aws:TokenIssueTime': 'true' } })).toBe(true);
    expect(
      holds({ Null: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' }),
    ).toBe(false);
    expect(
      holds({ Null: { 'aws:TokenIssueTime': 'false' } }, { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' }),
    ).toBe(true);
    expect(holds({ Null: { 'aws:TokenIssueTime': 'false' } })).toBe(false);
  });

  it('Null reads true and false in any case, and as JSON booleans', () => {
    expect(holds({ Null: { 'aws:TokenIssueTime': true } })).toBe(true);
    expect(holds({ Null: { 'aws:TokenIssueTime': 'TRUE' } })).toBe(true);
  });
});

describe('Numeric operators', () => {
  it.each([
    ['NumericEquals', '10', true],
    ['NumericEquals', '10.0', true],
    ['NumericEquals', '11', false],
    ['NumericNotEquals', '11', true],
    ['NumericLessThan', '11', true],
    ['NumericLessThan', '10', false],
    ['NumericLessThanEquals', '10', true],
    ['NumericGreaterThan', '9', true],
    ['NumericGreaterThan', '10', false],
    ['NumericGreaterThanEquals', '10', true],
    ['NumericGreaterThanEquals', '-1.5', true],
  ])('%s %s against a request value of 10 is %s', (operator, value, expected) => {
    expect(holds({ [operator]: { 's3:max-keys': value } }, { 's3:max-keys': '10' })).toBe(expected);
  });

  it('compares numbers given as JSON numbers too', () => {
    expect(holds({ NumericLessThanEquals: { 's3:max-keys': 10 } }, { 's3:max-keys': 7 })).toBe(true);
  });

  it('a request value that is not a number matches nothing, so only the negated operator holds', () => {
    expect(holds({ NumericLessThan: { 's3:max-keys': '10' } }, { 's3:max-keys': 'ten' })).toBe(false);
    expect(holds({ NumericNotEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': 'ten' })).toBe(true);
  });
});

describe('Date operators', () => {
  it('compare ISO 8601 dates and times; a time with no offset is UTC', () => {
    const context = { 'aws:CurrentTime': '2026-11-22T12:00:00Z' };
    expect(holds({ DateGreaterThan: { 'aws:CurrentTime': '2026-11-22' } }, context)).toBe(true);
    expect(holds({ DateLessThan: { 'aws:CurrentTime': '2026-11-22T12:00:01' } }, context)).toBe(true);
    expect(holds({ DateEquals: { 'aws:CurrentTime': '2026-11-22T13:00:00+01:00' } }, context)).toBe(true);
    expect(holds({ DateLessThanEquals: { 'aws:CurrentTime': '2026-11-22T11:59:59.999Z' } }, context)).toBe(
      false,
    );
  });

  it('accept epoch seconds on either side ("date condition operators ... epoch (UNIX) time")', () => {
    const context = { 'aws:EpochTime': 1_700_000_000 };
    expect(holds({ DateGreaterThanEquals: { 'aws:EpochTime': '2023-11-14T22:13:20Z' } }, context)).toBe(true);
    expect(holds({ DateLessThan: { 'aws:EpochTime': '1700000000' } }, context)).toBe(false);
    expect(holds({ DateNotEquals: { 'aws:EpochTime': 1_700_000_001 } }, context)).toBe(true);
  });

  it('a date that does not parse matches nothing', () => {
    expect(
      holds({ DateLessThan: { 'aws:CurrentTime': '2030-01-01' } }, { 'aws:CurrentTime': 'yesterday' }),
    ).toBe(false);
    expect(
      holds({ DateLessThan: { 'aws:CurrentTime': '2030-02-30' } }, { 'aws:CurrentTime': '2026-01-01' }),
    ).toBe(false);
  });
});

describe('Bool and BinaryEquals', () => {
  it('Bool compares true and false case-insensitively, however the request gives them', () => {
    const condition = { Bool: { 'aws:SecureTransport': 'true' } };
    expect(holds(condition, { 'aws:SecureTransport': true })).toBe(true);
    expect(holds(condition, { 'aws:SecureTransport': 'TRUE' })).toBe(true);
    expect(holds(condition, { 'aws:SecureTransport': false })).toBe(false);
    expect(holds({ Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': 'false' })).toBe(true);
  });

  it('BinaryEquals compares the bytes of base64 values', () => {
    const condition = { BinaryEquals: { 'custom:blob': 'QmluYXJ5VmFsdWU=' } };
    expect(holds(condition, { 'custom:blob': 'QmluYXJ5VmFsdWU=' })).toBe(true);
    expect(holds(condition, { 'custom:blob': 'QmluYXJ5VmFsdWU' })).toBe(true);
    expect(holds(condition, { 'custom:blob': 'QmluYXJ5' })).toBe(false);
  });
});

describe('IP address operators', () => {
  it('IpAddress matches an address inside any of the CIDR blocks, IPv4 and IPv6', () => {
    const condition = { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } };
    expect(holds(condition, { 'aws:SourceIp': '203.0.113.77' })).toBe(true);
    expect(holds(condition, { 'aws:SourceIp': '2001:db8:1234::1' })).toBe(true);
    expect(holds(condition, { 'aws:SourceIp': '203.0.114.1' })).toBe(false);
    expect(holds(condition, { 'aws:SourceIp': '2001:db9::1' })).toBe(false);
  });

  it('a bare address is a block of one; IPv4 and IPv6 never match each other', () => {
    expect(holds({ IpAddress: { 'aws:SourceIp': '10.1.2.3' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '10.1.2.3' } }, { 'aws:SourceIp': '10.1.2.4' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '::/0' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(false);
  });

  it('NotIpAddress holds outside every block', () => {
    const condition = { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } };
    expect(holds(condition, { 'aws:SourceIp': '172.16.0.1' })).toBe(true);
    expect(holds(condition, { 'aws:SourceIp': '192.168.3.4' })).toBe(false);
  });
});

describe('ARN operators', () => {
  const topic = 'arn:aws:sns:us-east-1:111122223333:alerts';

  it('ArnLike and ArnEquals compare segment by segment with wildcards inside segments', () => {
    for (const operator of ['ArnLike', 'ArnEquals']) {
      expect(
        holds(
          { [operator]: { 'aws:SourceArn': 'arn:aws:sns:*:111122223333:*' } },
          { 'aws:SourceArn': topic },
        ),
      ).toBe(true);
      expect(
        holds(
          { [operator]: { 'aws:SourceArn': 'arn:aws:sns:*:444455556666:*' } },
          { 'aws:SourceArn': topic },
        ),
      ).toBe(false);
    }
  });

  it('a wildcard in one ARN segment does not reach into the next', () => {
    const logGroup = 'arn:aws:logs:us-east-1:111122223333:log-group:app:*';
    // As plain text the first `*` could swallow `logs:us-east-1`; segment by segment it cannot.
    expect(
      holds(
        { ArnLike: { 'aws:SourceArn': 'arn:aws:*:111122223333:log-group:app:*' } },
        { 'aws:SourceArn': logGroup },
      ),
    ).toBe(false);
    expect(
      holds(
        { ArnLike: { 'aws:SourceArn': 'arn:aws:*:*:111122223333:log-group:*' } },
        { 'aws:SourceArn': logGroup },
      ),
    ).toBe(true);
  });

  it('in the resource segment * spans colons', () => {
    const logGroup = 'arn:aws:logs:us-east-1:111122223333:log-group:app:*';
    expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:aws:logs:*:*:*' } }, { 'aws:SourceArn': logGroup })).toBe(
      true,
    );
  });

  it('a pattern with fewer than six fields is matched against the whole ARN (`*` matches every value)', () => {
    expect(holds({ ArnLike: { 'aws:SourceArn': '*' } }, { 'aws:SourceArn': topic })).toBe(true);
    expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*' } }, { 'aws:SourceArn': topic })).toBe(true);
    expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:aws:sqs:*' } }, { 'aws:SourceArn': topic })).toBe(false);
  });

  it('a request value that is not an ARN matches no segmented pattern', () => {
    expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } }, { 'aws:SourceArn': 'alerts' })).toBe(
      false,
    );
    expect(
      holds({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } }, { 'aws:SourceArn': 'alerts' }),
    ).toBe(true);
  });

  it('ArnNotEquals holds when no pattern matches', () => {
    expect(
      holds({ ArnNotEquals: { 'aws:SourceArn': 'arn:aws:sns:*:*:other' } }, { 'aws:SourceArn': topic }),
    ).toBe(true);
    expect(
      holds({ ArnNotEquals: { 'aws:SourceArn': 'arn:aws:sns:*:*:alerts' } }, { 'aws:SourceArn': topic }),
    ).toBe(false);
  });
});

describe('ForAllValues and ForAnyValue over multivalued keys', () => {
  const tagKeys = (...keys: string[]) => ({ 'aws:TagKeys': keys });

  it('ForAllValues holds when every request value matches some policy value', () => {
    const condition = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } };
    expect(holds(condition, tagKeys('env'))).toBe(true);
    expect(holds(condition, tagKeys('env', 'team'))).toBe(true);
    expect(holds(condition, tagKeys('env', 'owner'))).toBe(false);
  });

  it('ForAllValues holds when the key is missing or empty ("also returns true if there are no context keys in the request")', () => {
    const condition = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } };
    expect(holds(condition)).toBe(true);
    expect(holds(condition, tagKeys())).toBe(true);
  });

  it('ForAnyValue holds when some request value matches some policy value, and never for a missing key', () => {
    const condition = { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['cost-*'] } };
    expect(holds(condition, tagKeys('env', 'cost-center'))).toBe(true);
    expect(holds(condition, tagKeys('env'))).toBe(false);
    expect(holds(condition)).toBe(false);
    expect(holds(condition, tagKeys())).toBe(false);
  });

  it('ForAllValues with a negated operator: no request value matches any policy value', () => {
    const condition = { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret', 'admin'] } };
    expect(holds(condition, tagKeys('env', 'team'))).toBe(true);
    expect(holds(condition, tagKeys('env', 'admin'))).toBe(false);
  });

  it('ForAnyValue with a negated operator: some request value matches no policy value', () => {
    const condition = { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['env'] } };
    expect(holds(condition, tagKeys('env', 'team'))).toBe(true);
    expect(holds(condition, tagKeys('env'))).toBe(false);
  });

  it('ForAnyValue:...IfExists still fails a missing key: the set operator rule wins (observed by AWS users, re:Post QU9HFmDzP0QGuU-fd7rS6B7w)', () => {
    expect(holds({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': ['env'] } })).toBe(false);
    expect(holds({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': ['env'] } }, tagKeys('env'))).toBe(
      true,
    );
    expect(holds({ 'ForAllValues:StringEqualsIfExists': { 'aws:TagKeys': ['env'] } })).toBe(true);
  });

  it('set operators treat a single-valued key as a set of one', () => {
    expect(
      holds(
        { 'ForAnyValue:StringEquals': { 'aws:PrincipalTag/team': 'blue' } },
        { 'aws:PrincipalTag/team': 'blue' },
      ),
    ).toBe(true);
    expect(
      holds(
        { 'ForAllValues:StringEquals': { 'aws:PrincipalTag/team': 'blue' } },
        { 'aws:PrincipalTag/team': 'red' },
      ),
    ).toBe(false);
  });

  it('a single-valued operator on a multivalued key matches nothing, negated or not ("multivalued context keys require a condition set operator")', () => {
    expect(holds({ StringEquals: { 'aws:TagKeys': 'team' } }, tagKeys('env', 'team'))).toBe(false);
    expect(holds({ StringEquals: { 'aws:TagKeys': 'team' } }, tagKeys('team'))).toBe(false);
    expect(holds({ StringNotEquals: { 'aws:TagKeys': 'owner' } }, tagKeys('env', 'team'))).toBe(false);
    expect(holds({ StringLikeIfExists: { 'aws:TagKeys': '*' } }, tagKeys('env'))).toBe(false);
    expect(holds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } }, tagKeys('env', 'team'))).toBe(
      true,
    );
  });
});

describe('policy variables in condition values', () => {
  it('a string condition value may name a request key', () => {
    const condition = { StringEquals: { 'aws:ResourceTag/owner': '${aws:username}' } };
    expect(holds(condition, { 'aws:ResourceTag/owner': 'alice' })).toBe(true);
    expect(holds(condition, { 'aws:ResourceTag/owner': 'bob' })).toBe(false);
  });

  it('a variable with no value leaves the policy value matching nothing, so a negated operator holds', () => {
    expect(
      holds(
        { StringEquals: { 'aws:ResourceTag/owner': '${aws:PrincipalTag/owner}' } },
        { 'aws:ResourceTag/owner': '' },
      ),
    ).toBe(false);
    expect(
      holds(
        { StringNotEquals: { 'aws:ResourceTag/owner': '${aws:PrincipalTag/owner}' } },
        { 'aws:ResourceTag/owner': 'x' },
      ),
    ).toBe(true);
  });

  it('a default value stands in for a missing key', () => {
    const condition = { StringLike: { 's3:prefix': "home/${aws:PrincipalTag/team, 'none'}/*" } };
    expect(holds(condition, { 's3:prefix': 'home/none/x' })).toBe(true);
    expect(holds(condition, { 's3:prefix': 'home/red/x', 'aws:PrincipalTag/team': 'red' })).toBe(true);
  });

  it('ArnLike substitutes variables inside segments', () => {
    const condition = { ArnLike: { 'aws:SourceArn': 'arn:aws:sqs:*:${aws:PrincipalAccount}:*' } };
    expect(holds(condition, { 'aws:SourceArn': 'arn:aws:sqs:us-east-1:111122223333:q' })).toBe(true);
    expect(holds(condition, { 'aws:SourceArn': 'arn:aws:sqs:us-east-1:444455556666:q' })).toBe(false);
  });

  it('a multivalued key cannot be a policy variable ("you cannot use multivalued context keys as policy variables")', () => {
    const condition = { StringEquals: { 'aws:PrincipalTag/team': '${aws:TagKeys}' } };
    expect(holds(condition, { 'aws:PrincipalTag/team': 'env', 'aws:TagKeys': ['env'] })).toBe(false);
  });
});
