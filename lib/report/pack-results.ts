import { IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** A pack's report on an app, kept until CDK's validation asks the pack for it. */
interface Kept {
  readonly app: IConstruct;
  /** How many constructs the app had when the pack ran: a tree that changed since is judged again. */
  readonly size: number;
  readonly report: PolicyValidationPluginReport;
}

/** Packs whose `validate` reuses the report's run, with what they found. */
const kept = new WeakMap<NagPack, Kept>();

/**
 * Run `pack` over `app` once per synthesis. The governance report is written in the synthesis step, before CDK's
 * validation calls each registered pack; the pack's report is kept so that call returns it instead of judging every
 * resource of the app a second time. The kept report is used once, only for the same app and only while the tree
 * has as many constructs as when the pack ran; any other call to `validate` (or `validateScope`) judges afresh.
 */
export function runPackOnce(pack: NagPack, app: IConstruct): PolicyValidationPluginReport {
  const report = pack.validateScope(app);
  kept.set(pack, { app, size: app.node.findAll().length, report });
  reuseOnValidate(pack);
  return report;
}

/** Make `pack.validate` return the kept report (once) when CDK validates the same, unchanged app. */
function reuseOnValidate(pack: NagPack): void {
  if (Object.prototype.hasOwnProperty.call(pack, 'validate')) {
    return;
  }
  const judge = pack.validate.bind(pack);
  Object.defineProperty(pack, 'validate', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: (context: IPolicyValidationContext): PolicyValidationPluginReport => {
      const k = kept.get(pack);
      kept.delete(pack);
      const app = (context as { readonly appConstruct?: IConstruct }).appConstruct;
      if (k !== undefined && app === k.app && app.node.findAll().length === k.size) {
        return k.report;
      }
      return judge(context);
    },
  });
}
