/**
 * Runs before every test file (jest `setupFiles`).
 *
 * Every `App` a test creates reads the context of the example app's `cdk.json`, as `cdk synth` passes it: the
 * same feature flags, so templates and CloudFormation validation in tests are those users get, and
 * `@aws-cdk/core:validateAgainstDefaultRules` turns findings of aws-cdk-lib's built-in template validation into
 * synth errors instead of "set feature flag ... to turn these into errors" warnings on the console.
 */
import * as fs from 'fs';
import * as path from 'path';

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
// aws-cdk-lib's App merges this variable (cx-api CONTEXT_ENV) over the context given to its constructor.
process.env.CDK_CONTEXT_JSON = JSON.stringify(cdkJson.context ?? {});

// The AWS SDK warns once per process that its releases after January 2027 need Node.js 22; the project supports
// Node.js 20 until then. This is the SDK's documented switch (aws/aws-sdk-js-v3#7983); it silences nothing else.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
