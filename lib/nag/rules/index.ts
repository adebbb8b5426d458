// The AiGovernance rules, one per file, in the order the pack applies them and the report walks them.
import AlarmActionEnabled from './AlarmActionEnabled';
import EndpointAlarms from './EndpointAlarms';
import EndpointAutoRollback from './EndpointAutoRollback';
import EndpointConfigDataCapture from './EndpointConfigDataCapture';
import EndpointConfigInstanceCount from './EndpointConfigInstanceCount';
import EndpointConfigInstanceCountLowTier from './EndpointConfigInstanceCountLowTier';
import EndpointConfigVolumeKms from './EndpointConfigVolumeKms';
import EndpointEvidenceSnapshot from './EndpointEvidenceSnapshot';
import EndpointKillSwitch from './EndpointKillSwitch';
import EndpointLogGroupRetained from './EndpointLogGroupRetained';
import EndpointModelMonitoring from './EndpointModelMonitoring';
import EndpointOwnership from './EndpointOwnership';
import EndpointScheduledReview from './EndpointScheduledReview';
import EndpointStagedRollout from './EndpointStagedRollout';
import EvidenceBucketEncrypted from './EvidenceBucketEncrypted';
import EvidenceBucketImmutable from './EvidenceBucketImmutable';
import EvidenceBucketRetention from './EvidenceBucketRetention';
import IamPassRoleScoped from './IamPassRoleScoped';
import LogGroupEncrypted from './LogGroupEncrypted';
import LogGroupRetention from './LogGroupRetention';
import ModelApprovalGate from './ModelApprovalGate';
import ModelExecutionRoleLeastPrivilege from './ModelExecutionRoleLeastPrivilege';
import ModelNetworkIsolation from './ModelNetworkIsolation';
import { GovernanceRule } from '../rule';

export {
  AlarmActionEnabled, EndpointAlarms, EndpointAutoRollback, EndpointConfigDataCapture, EndpointConfigInstanceCount,
  EndpointConfigInstanceCountLowTier, EndpointConfigVolumeKms, EndpointEvidenceSnapshot, EndpointKillSwitch, EndpointLogGroupRetained,
  EndpointModelMonitoring, EndpointOwnership, EndpointScheduledReview, EndpointStagedRollout, EvidenceBucketEncrypted, EvidenceBucketImmutable,
  EvidenceBucketRetention, IamPassRoleScoped, LogGroupEncrypted, LogGroupRetention, ModelApprovalGate, ModelExecutionRoleLeastPrivilege, ModelNetworkIsolation,
};

/** Every rule of the AI governance pack, in the order the pack applies them: by the resource they judge. */
export const AI_GOVERNANCE_RULES: readonly GovernanceRule[] = [
  EndpointOwnership, EndpointStagedRollout, EndpointAutoRollback, EndpointKillSwitch, EndpointAlarms, EndpointLogGroupRetained, EndpointEvidenceSnapshot,
  EndpointModelMonitoring, EndpointScheduledReview,
  EndpointConfigDataCapture, EndpointConfigVolumeKms, EndpointConfigInstanceCount, EndpointConfigInstanceCountLowTier,
  ModelNetworkIsolation, ModelExecutionRoleLeastPrivilege, ModelApprovalGate,
  LogGroupRetention, LogGroupEncrypted,
  EvidenceBucketEncrypted, EvidenceBucketImmutable, EvidenceBucketRetention,
  AlarmActionEnabled,
  IamPassRoleScoped,
];
