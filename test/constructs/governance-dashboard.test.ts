import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { GovernanceDashboard } from '../../constructs/governance-dashboard';
import { GovernedEndpoint } from '../../constructs/governed-endpoint';
import { endpointProps, newStack } from '../helpers/fixtures';

const NAMES = ['fraud-scoring', 'churn-scoring', 'triage'];

/** A stack with one default GovernedEndpoint per name; `overrides` by name. */
function stackWith(names: string[], overrides: Record<string, Parameters<typeof endpointProps>[0]> = {}) {
  const stack = newStack();
  const endpoints = names.map((n, i) => new GovernedEndpoint(stack, `Endpoint${i}`, endpointProps({ endpointName: n, ...overrides[n] })));
  return { stack, endpoints, template: Template.fromStack(stack) };
}

/** The widgets of a dashboard resource, with every `Fn::GetAtt` replaced by its resource's logical ID. */
function widgetsOf(stack: Stack, dashboard: any): any[] {
  const body = stack.resolve(dashboard.Properties.DashboardBody);
  const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as any[])
    .map((p) => typeof p === 'string' ? p : (p['Fn::GetAtt']?.[0] ?? 'REF')).join('');
  return JSON.parse(text).widgets;
}

/** The stack dashboard's widgets (the construct at its fixed ID). */
function stackDashboardWidgets(stack: Stack, template: Template): any[] {
  const dashboard = GovernanceDashboard.of(stack).dashboard.node.defaultChild as cloudwatch.CfnDashboard;
  return widgetsOf(stack, template.toJSON().Resources[stack.getLogicalId(dashboard)]);
}

/** The widgets in the row whose alarm widget is titled `<name>/primary`. */
function rowOf(widgets: any[], name: string): any[] {
  const head = widgets.find((w) => w.properties.title === `${name}/primary`);
  expect(head).toBeDefined();
  return widgets.filter((w) => w.y === head.y);
}

describe('GIVEN a stack of three GovernedEndpoints on default alarms', () => {
  const { stack, endpoints, template } = stackWith(NAMES);
  const widgets = stackDashboardWidgets(stack, template);

  test('WHEN synthesized THEN the stack has one dashboard, the shared one, at its fixed construct ID', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(stack.node.findChild(GovernanceDashboard.STACK_SINGLETON_ID)).toBe(GovernanceDashboard.of(endpoints[0]));
    for (const e of endpoints) {
      expect(e.alarms.stackDashboard).toBe(GovernanceDashboard.of(stack));
      expect(e.alarms.dashboard).toBeUndefined();
    }
    expect(GovernanceDashboard.of(stack).endpointNames).toEqual(NAMES);
  });

  test('THEN each endpoint has a row naming it, in the order the endpoints were added, 24 units wide', () => {
    const ys = NAMES.map((n) => rowOf(widgets, n)[0].y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(new Set(ys).size).toBe(NAMES.length);
    for (const n of NAMES) {
      expect(rowOf(widgets, n).reduce((sum, w) => sum + w.width, 0)).toBe(24);
    }
  });

  test('THEN each row shows that endpoint\'s alarm states, error rates, latency, utilisation and kill switch', () => {
    for (const [i, n] of NAMES.entries()) {
      const row = rowOf(widgets, n);
      const alarmIds = Object.values(endpoints[i].alarms.all).map((a) => stack.getLogicalId(a.node.defaultChild as cloudwatch.CfnAlarm));
      expect(alarmIds).toHaveLength(8);
      expect(row[0].properties.alarms).toEqual(alarmIds);
      const text = JSON.stringify(row);
      for (const expected of ['Invocation4XXErrors', 'Invocation5XXErrors', 'ModelLatency', 'OverheadLatency', 'CPUUtilization',
        'MemoryUtilization', 'DiskUtilization', 'Kill switch (1 = paused)']) {
        expect(text).toContain(expected);
      }
      // the kill-switch metrics of this endpoint, not another's
      expect(text).toContain(JSON.stringify(['GovernedEndpoint/KillSwitch', 'Paused', 'EndpointName', n]).slice(1, -1));
      expect(text).toContain(JSON.stringify(['GovernedEndpoint/KillSwitch', 'FailClosed', 'EndpointName', n]).slice(1, -1));
      for (const other of NAMES.filter((o) => o !== n)) {
        expect(text).not.toContain(`"${other}"`);
      }
    }
  });

  test('THEN the dashboard opens with how to pause and resume an endpoint, once', () => {
    expect(widgets[0].properties.markdown).toContain('governed-endpoint pause <endpoint>');
    expect(widgets.filter((w) => w.type === 'text')).toHaveLength(1);
  });
});

describe('GIVEN endpoints that choose their dashboards', () => {
  test('WHEN one asks for a dashboard of its own THEN there are two dashboards and the shared one still has every row', () => {
    const { stack, template } = stackWith(NAMES, { triage: { alarms: { dashboard: true } } });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 2);
    const widgets = stackDashboardWidgets(stack, template);
    for (const n of NAMES) {
      rowOf(widgets, n);
    }
  });

  test('WHEN one turns the stack dashboard off THEN it has no row there', () => {
    const { stack, template } = stackWith(NAMES, { triage: { alarms: { stackDashboard: false } } });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(GovernanceDashboard.of(stack).endpointNames).toEqual(['fraud-scoring', 'churn-scoring']);
    expect(JSON.stringify(stackDashboardWidgets(stack, template))).not.toContain('triage');
  });

  test('WHEN every endpoint turns it off THEN the stack has no dashboard', () => {
    const off = { alarms: { stackDashboard: false } };
    const { stack, template } = stackWith(NAMES, { 'fraud-scoring': off, 'churn-scoring': off, 'triage': off });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(stack.node.tryFindChild(GovernanceDashboard.STACK_SINGLETON_ID)).toBeUndefined();
  });

  test('WHEN endpoints are in two stacks THEN each stack has its own dashboard with its own rows', () => {
    const app = new App();
    const [a, b] = [new Stack(app, 'A'), new Stack(app, 'B')];
    new GovernedEndpoint(a, 'Scoring', endpointProps({ endpointName: 'fraud-scoring' }));
    new GovernedEndpoint(b, 'Triage', endpointProps({ endpointName: 'triage' }));
    Template.fromStack(a).resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    Template.fromStack(b).resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(GovernanceDashboard.of(a).endpointNames).toEqual(['fraud-scoring']);
    expect(GovernanceDashboard.of(b).endpointNames).toEqual(['triage']);
  });
});

describe('GIVEN the GovernanceDashboard used directly', () => {
  test('WHEN an endpoint is added without alarms or kill switch THEN its row starts with its name and fills the width', () => {
    const stack = newStack();
    GovernanceDashboard.of(stack).addEndpoint({ endpointName: 'legacy-scoring', variantName: 'AllTraffic' });
    const widgets = stackDashboardWidgets(stack, Template.fromStack(stack));
    const row = widgets.filter((w) => w.y === widgets[1].y);
    expect(row[0].properties.markdown).toBe('### legacy-scoring/AllTraffic');
    expect(row.reduce((sum, w) => sum + w.width, 0)).toBe(24);
    expect(JSON.stringify(row)).not.toContain('Kill switch');
  });

  test('WHEN a kill switch of an endpoint without a row is added THEN the error says to add the endpoint', () => {
    const { stack, endpoints } = stackWith(['fraud-scoring'], { 'fraud-scoring': { alarms: { stackDashboard: false } } });
    expect(() => GovernanceDashboard.of(stack).addKillSwitch(endpoints[0].killSwitch))
      .toThrow(/no row for endpoint fraud-scoring; add the endpoint with addEndpoint/);
  });
});
