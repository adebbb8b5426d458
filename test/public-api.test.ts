import * as path from 'path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ts from 'typescript';
import * as api from '../lib';
import { endpointProps } from './helpers/fixtures';

const { AiGovernanceChecks, Capacity, DeploymentPolicy, GovernanceTagKey, GovernanceWarning, GovernedEndpoint, RiskTier } = api;

// jsii generates the Python, Java, .NET and Go packages from the exported classes, interfaces and enums; it drops
// exported functions and constants without a word. These tests keep the entry point within what jsii publishes.

const ENTRY = path.resolve(__dirname, '..', 'lib', 'index.ts');

const PUBLIC_CLASSES = [
  'AiGovernanceChecks', 'AlarmTopic', 'ApprovalGate', 'Capacity', 'DeploymentPolicy', 'EndpointAlarms', 'EndpointAutoScaling',
  'EndpointDashboard', 'EndpointMonitoring', 'EvidenceStore', 'GovernanceDashboard', 'GovernanceFoundation', 'GovernanceReport', 'GovernanceTagKey', 'GovernanceWarning',
  'GovernedEndpoint', 'GovernedEndpointBase', 'GovernedFunction', 'KillSwitch', 'KillSwitchEnforcer', 'ModelArtifact', 'ModelExecutionRole', 'ModelImage', 'ModelMonitor', 'ModelSource',
  'MonitoringBaseline',
];
const PUBLIC_ENUMS = ['BaselineFormat', 'CapacityType', 'DeploymentStrategy', 'FeatureKind', 'KillSwitchState', 'ObjectLockMode', 'PayloadFormat', 'ProblemType', 'RiskTier'];
const PUBLIC_INTERFACES = [
  'AiGovernanceChecksProps', 'AlarmTimingOptions', 'AlarmTopicProps', 'AllAtOnceOptions', 'ApprovalGateProps', 'ArtifactModelOptions',
  'AutoScalingOptions', 'BlueGreenOptions', 'CanaryOptions', 'CountAlarmOptions', 'DataCaptureOptions', 'DeploymentPolicyOptions',
  'EndpointAlarmsOptions', 'EndpointAlarmsProps', 'EndpointAutoScalingProps', 'EndpointDashboardProps', 'ErrorRateAlarmOptions',
  'EvidenceStoreProps', 'GovernanceDashboardEndpointOptions', 'GovernanceDashboardProps', 'GovernanceFoundationAttributes', 'GovernanceFoundationLookupOptions', 'GovernanceFoundationProps', 'GovernanceProps', 'GovernanceReportProps', 'GovernanceRuleSettings',
  'GovernedEndpointAttributes', 'GovernedEndpointProps', 'GovernedFunctionProps', 'IGovernanceFoundation', 'IGovernedEndpoint', 'IKillSwitchEnforcer', 'KillSwitchEnforcerAttributes', 'KillSwitchEnforcerLookup',
  'KillSwitchEnforcerOptions', 'KillSwitchEnforcerProps', 'KillSwitchOptions', 'KillSwitchProps', 'LatencyAlarmOptions', 'LinearOptions',
  'ModelExecutionRoleProps', 'ModelPackageOptions', 'RollingOptions', 'UtilizationAlarmOptions', 'VariantMetricSource',
  'EndpointMonitoringProps', 'GroundTruthOptions', 'ModelMonitorOptions', 'ModelMonitorProps', 'MonitoredFeature', 'MonitoredPrediction', 'MonitoringOptions',
];

/** A class, not a function: `class X {}` compiles to a class under the project's ES2022 target. */
function isClass(value: unknown): boolean {
  return typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
}

/** What a TypeScript enum compiles to: string or number values, and each number mapped back to its member's name. */
function isEnumObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
    return false;
  }
  const record = value as Record<string, unknown>;
  return Object.entries(record).every(([key, v]) => typeof v === 'string' || (typeof v === 'number' && record[String(v)] === key));
}

/** The program of the entry point and the symbols it exports, aliases resolved. */
function exportedDeclarations(): { checker: ts.TypeChecker; symbols: Map<string, ts.Symbol> } {
  const config = ts.getParsedCommandLineOfConfigFile(path.resolve(__dirname, '..', 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram([ENTRY], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
  const symbols = new Map<string, ts.Symbol>();
  for (const s of checker.getExportsOfModule(module)) {
    symbols.set(s.getName(), s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  }
  return { checker, symbols };
}

function kindOf(symbol: ts.Symbol): string {
  const kinds = (symbol.getDeclarations() ?? []).map((d) =>
    ts.isClassDeclaration(d) ? 'class' : ts.isInterfaceDeclaration(d) ? 'interface' : ts.isEnumDeclaration(d) ? 'enum' : ts.SyntaxKind[d.kind]);
  return [...new Set(kinds)].join('+');
}

function isInternal(node: ts.Node): boolean {
  return ts.getJSDocTags(node).some((t) => t.tagName.text === 'internal');
}

function inProject(node: ts.Node | undefined): boolean {
  return node !== undefined && !node.getSourceFile().fileName.includes('node_modules');
}

/**
 * The types of the public members of an exported class or interface, its own and those it inherits from the project's
 * classes (jsii copies an unexported base class's members into the class): properties, method parameters and returns,
 * constructor parameters. Private, `_`-prefixed and `@internal` members are not published.
 */
function publicMemberTypes(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Type[] {
  const statics = symbol.flags & ts.SymbolFlags.Class ? checker.getTypeOfSymbol(symbol) : undefined;
  const members = [
    ...checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)),
    ...(statics ? checker.getPropertiesOfType(statics).filter((p) => p.getName() !== 'prototype') : []),
  ].filter((member) => {
    const declaration = member.valueDeclaration ?? member.getDeclarations()?.[0];
    return declaration !== undefined && inProject(declaration) && !/^_/.test(member.getName()) && !isInternal(declaration) &&
      !(ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Private);
  });
  const signatures = [
    ...(statics ? statics.getConstructSignatures().filter((sig) => inProject(sig.getDeclaration())) : []),
    ...members.flatMap((member) => checker.getTypeOfSymbol(member).getCallSignatures()),
  ];
  return [
    ...members.filter((member) => checker.getTypeOfSymbol(member).getCallSignatures().length === 0).map((member) => checker.getTypeOfSymbol(member)),
    ...signatures.flatMap((sig) => [sig.getReturnType(), ...sig.getParameters().map((p) => checker.getTypeOfSymbol(p))]),
  ];
}

/** The published members of an exported class or interface (see `publicMemberTypes`), by name. */
function publicMemberNames(checker: ts.TypeChecker, symbol: ts.Symbol): string[] {
  const statics = symbol.flags & ts.SymbolFlags.Class ? checker.getTypeOfSymbol(symbol) : undefined;
  return [...checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)), ...(statics ? checker.getPropertiesOfType(statics) : [])]
    .filter((member) => {
      const declaration = member.valueDeclaration ?? member.getDeclarations()?.[0];
      return declaration !== undefined && inProject(declaration) && !/^_/.test(member.getName()) && !isInternal(declaration) &&
        !(ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Private);
    })
    .map((member) => member.getName());
}

/** Words that are keywords in a language jsii generates (Go, Java, C#, Python): jsii warns about members named so. */
const RESERVED_WORDS = new Set([
  'type', 'func', 'var', 'map', 'range', 'select', 'struct', 'chan', 'package', 'import', 'interface', 'default', 'const', 'go',
  'abstract', 'assert', 'boolean', 'class', 'enum', 'final', 'native', 'static', 'synchronized', 'transient', 'volatile',
  'event', 'internal', 'lock', 'namespace', 'object', 'operator', 'string', 'decimal', 'checked', 'fixed', 'params', 'ref',
  'lambda', 'def', 'del', 'global', 'pass', 'yield', 'with', 'is', 'not', 'and', 'or', 'from', 'as', 'in', 'async', 'await',
]);

/** The project's own classes, interfaces and enums a type names (arrays, unions and type arguments included). */
function ownTypesIn(checker: ts.TypeChecker, type: ts.Type, seen = new Set<ts.Type>()): ts.Symbol[] {
  if (seen.has(type)) {
    return [];
  }
  seen.add(type);
  const symbol = type.aliasSymbol ?? type.getSymbol();
  const named = symbol !== undefined && inProject(symbol.getDeclarations()?.[0]) &&
    (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.Enum | ts.SymbolFlags.EnumMember | ts.SymbolFlags.TypeAlias)) !== 0;
  const enumOfMember = (member: ts.Symbol) => checker.getSymbolAtLocation((member.valueDeclaration!.parent as ts.EnumDeclaration).name)!;
  const found = named ? [symbol.flags & ts.SymbolFlags.EnumMember ? enumOfMember(symbol) : symbol] : [];
  const parts = [
    ...(type.isUnionOrIntersection() ? type.types : []),
    ...((type.flags & ts.TypeFlags.Object) && ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) ? checker.getTypeArguments(type as ts.TypeReference) : []),
  ];
  return [...found, ...parts.flatMap((t) => ownTypesIn(checker, t, seen))];
}

describe('GIVEN the package entry point lib/index.ts', () => {
  test('WHEN its runtime exports are listed THEN each is a class or an enum: no function, no constant', () => {
    const offending = Object.entries(api).filter(([, value]) => !isClass(value) && !isEnumObject(value)).map(([name]) => name);
    expect(offending).toEqual([]);
  });

  test('WHEN its runtime exports are listed THEN they are exactly the pinned classes and enums', () => {
    expect(Object.keys(api).sort()).toEqual([...PUBLIC_CLASSES, ...PUBLIC_ENUMS].sort());
    expect(PUBLIC_CLASSES.filter((name) => !isClass((api as Record<string, unknown>)[name]))).toEqual([]);
    expect(PUBLIC_ENUMS.filter((name) => !isEnumObject((api as Record<string, unknown>)[name]))).toEqual([]);
  });

  describe('WHEN the compiler lists every name it exports, types included', () => {
    const { checker, symbols } = exportedDeclarations();

    test('THEN each is declared as a class, an interface or an enum (no type alias, variable or function)', () => {
      const kinds = Object.fromEntries([...symbols].map(([name, s]) => [name, kindOf(s)]));
      expect(Object.fromEntries(Object.entries(kinds).filter(([, kind]) => !['class', 'interface', 'enum'].includes(kind)))).toEqual({});
    });

    test('THEN the names are exactly the pinned classes, enums and interfaces, each of its kind', () => {
      const byKind = (kind: string) => [...symbols].filter(([, s]) => kindOf(s) === kind).map(([name]) => name).sort();
      expect(byKind('class')).toEqual([...PUBLIC_CLASSES].sort());
      expect(byKind('enum')).toEqual([...PUBLIC_ENUMS].sort());
      expect(byKind('interface')).toEqual([...PUBLIC_INTERFACES].sort());
    });

    test('THEN every class, interface and enum its public members name is exported too (jsii refuses a public member of an unexported type)', () => {
      const exported = new Set(symbols.values());
      const missing = new Set<string>();
      for (const [name, symbol] of symbols) {
        if (!(symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface))) {
          continue;
        }
        for (const referenced of publicMemberTypes(checker, symbol).flatMap((t) => ownTypesIn(checker, t))) {
          if (!exported.has(referenced)) {
            missing.add(`${name} names ${referenced.getName()}`);
          }
        }
      }
      expect([...missing].sort()).toEqual([]);
    });

    test('THEN no public member is named after a keyword of a language jsii generates (e.g. `type`, reserved in Go)', () => {
      const reserved = [...symbols].filter(([, s]) => s.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface))
        .flatMap(([name, s]) => publicMemberNames(checker, s).filter((member) => RESERVED_WORDS.has(member)).map((member) => `${name}.${member}`));
      expect(reserved).toEqual([]);
    });
  });
});

describe('GIVEN the identifiers the package publishes as static members', () => {
  const warningsOf = (stack: Stack, id: string) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`\\[ack: ${id}\\]`));

  test.each([
    ['IMPORTED_KEY_POLICY', 'an endpoint on an imported key', (stack: Stack) => new GovernedEndpoint(stack, 'Scoring', endpointProps({
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee'),
    }))],
    ['EXECUTION_ROLE_READS_ROLLBACK_ALARMS', 'an endpoint on a role of your own', (stack: Stack) => new GovernedEndpoint(stack, 'Scoring', endpointProps({
      executionRole: iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/model-runner', { mutable: false }),
    }))],
    ['INF1_NO_GUARDRAILS', 'an Inf1 endpoint', (stack: Stack) => new GovernedEndpoint(stack, 'Scoring', endpointProps({
      governance: { owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier: RiskTier.LOW },
      instanceType: 'ml.inf1.xlarge', deployment: DeploymentPolicy.allAtOnce(),
    }))],
    ['DEPLOYMENT_TIMEOUT', 'a deployment whose bakes outlast its timeout', (stack: Stack) => new GovernedEndpoint(stack, 'Scoring', endpointProps({
      deployment: DeploymentPolicy.linear({ stepSize: Capacity.percent(10), bakeTime: Duration.minutes(30), maximumExecutionTimeout: Duration.hours(2) }),
    }))],
  ] as const)('WHEN GovernanceWarning.%s is acknowledged on %s THEN the warning it names is gone', (name, _given, build) => {
    const id = GovernanceWarning[name];
    const warned = new Stack(new App(), 'Warned');
    build(warned);
    expect(warningsOf(warned, id)).toHaveLength(1);

    const acknowledged = new Stack(new App(), 'Acknowledged');
    Validations.of(acknowledged).acknowledge({ id, reason: 'checked' });
    build(acknowledged);
    expect(warningsOf(acknowledged, id)).toHaveLength(0);
  });

  test('WHEN an endpoint is built and granted THEN GovernanceTagKey names the tags it writes and the tag its kill switch denies on', () => {
    const stack = new Stack(new App(), 'Tagged');
    const endpoint = new GovernedEndpoint(stack, 'Scoring', endpointProps());
    endpoint.grantInvoke(new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    const template = Template.fromStack(stack);

    const endpointTags = Object.fromEntries((Object.values(template.findResources('AWS::SageMaker::Endpoint'))[0] as any).Properties.Tags.map((t: any) => [t.Key, t.Value]));
    expect(endpointTags).toEqual(expect.objectContaining({
      [GovernanceTagKey.OWNER]: 'fraud-ml@example.com',
      [GovernanceTagKey.PURPOSE]: 'card fraud scoring',
      [GovernanceTagKey.RISK_TIER]: 'HIGH',
      [GovernanceTagKey.KILL_SWITCH_PARAMETER]: endpoint.killSwitch.parameterName,
    }));
    expect(JSON.stringify(template.toJSON())).toContain(`"aws:ResourceTag/${GovernanceTagKey.KILL_SWITCH}":"PAUSED"`);
    template.hasResourceProperties('AWS::IAM::Role', { Tags: Match.arrayWith([{ Key: GovernanceTagKey.KILL_SWITCH_ENFORCER_ROLE, Value: 'true' }]) });
  });

  test('WHEN the AiGovernance pack is made with its defaults THEN it reads the tag keys GovernanceTagKey names', () => {
    const settings = new AiGovernanceChecks().settings;
    expect([settings.ownerTagKey, settings.purposeTagKey, settings.riskTierTagKey, settings.killSwitchTagKey, settings.killSwitchParameterTagKey])
      .toEqual([GovernanceTagKey.OWNER, GovernanceTagKey.PURPOSE, GovernanceTagKey.RISK_TIER, GovernanceTagKey.KILL_SWITCH, GovernanceTagKey.KILL_SWITCH_PARAMETER]);
  });
});
