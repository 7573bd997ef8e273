import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AbortRequest as _brownout_rollout_v1_AbortRequest, AbortRequest__Output as _brownout_rollout_v1_AbortRequest__Output } from './brownout/rollout/v1/AbortRequest.ts';
import type { CanaryComparison as _brownout_rollout_v1_CanaryComparison, CanaryComparison__Output as _brownout_rollout_v1_CanaryComparison__Output } from './brownout/rollout/v1/CanaryComparison.ts';
import type { DamagedRollout as _brownout_rollout_v1_DamagedRollout, DamagedRollout__Output as _brownout_rollout_v1_DamagedRollout__Output } from './brownout/rollout/v1/DamagedRollout.ts';
import type { GateResult as _brownout_rollout_v1_GateResult, GateResult__Output as _brownout_rollout_v1_GateResult__Output } from './brownout/rollout/v1/GateResult.ts';
import type { GetRolloutRequest as _brownout_rollout_v1_GetRolloutRequest, GetRolloutRequest__Output as _brownout_rollout_v1_GetRolloutRequest__Output } from './brownout/rollout/v1/GetRolloutRequest.ts';
import type { ListRolloutsRequest as _brownout_rollout_v1_ListRolloutsRequest, ListRolloutsRequest__Output as _brownout_rollout_v1_ListRolloutsRequest__Output } from './brownout/rollout/v1/ListRolloutsRequest.ts';
import type { ListRolloutsResponse as _brownout_rollout_v1_ListRolloutsResponse, ListRolloutsResponse__Output as _brownout_rollout_v1_ListRolloutsResponse__Output } from './brownout/rollout/v1/ListRolloutsResponse.ts';
import type { MetricComparison as _brownout_rollout_v1_MetricComparison, MetricComparison__Output as _brownout_rollout_v1_MetricComparison__Output } from './brownout/rollout/v1/MetricComparison.ts';
import type { PhaseChange as _brownout_rollout_v1_PhaseChange, PhaseChange__Output as _brownout_rollout_v1_PhaseChange__Output } from './brownout/rollout/v1/PhaseChange.ts';
import type { PromoteRequest as _brownout_rollout_v1_PromoteRequest, PromoteRequest__Output as _brownout_rollout_v1_PromoteRequest__Output } from './brownout/rollout/v1/PromoteRequest.ts';
import type { ResumeRequest as _brownout_rollout_v1_ResumeRequest, ResumeRequest__Output as _brownout_rollout_v1_ResumeRequest__Output } from './brownout/rollout/v1/ResumeRequest.ts';
import type { RollbackStatus as _brownout_rollout_v1_RollbackStatus, RollbackStatus__Output as _brownout_rollout_v1_RollbackStatus__Output } from './brownout/rollout/v1/RollbackStatus.ts';
import type { Rollout as _brownout_rollout_v1_Rollout, Rollout__Output as _brownout_rollout_v1_Rollout__Output } from './brownout/rollout/v1/Rollout.ts';
import type { RolloutEvent as _brownout_rollout_v1_RolloutEvent, RolloutEvent__Output as _brownout_rollout_v1_RolloutEvent__Output } from './brownout/rollout/v1/RolloutEvent.ts';
import type { RolloutsClient as _brownout_rollout_v1_RolloutsClient, RolloutsDefinition as _brownout_rollout_v1_RolloutsDefinition } from './brownout/rollout/v1/Rollouts.ts';
import type { ServerUpgrade as _brownout_rollout_v1_ServerUpgrade, ServerUpgrade__Output as _brownout_rollout_v1_ServerUpgrade__Output } from './brownout/rollout/v1/ServerUpgrade.ts';
import type { StageChange as _brownout_rollout_v1_StageChange, StageChange__Output as _brownout_rollout_v1_StageChange__Output } from './brownout/rollout/v1/StageChange.ts';
import type { StageStatus as _brownout_rollout_v1_StageStatus, StageStatus__Output as _brownout_rollout_v1_StageStatus__Output } from './brownout/rollout/v1/StageStatus.ts';
import type { StartRolloutRequest as _brownout_rollout_v1_StartRolloutRequest, StartRolloutRequest__Output as _brownout_rollout_v1_StartRolloutRequest__Output } from './brownout/rollout/v1/StartRolloutRequest.ts';
import type { StatusLine as _brownout_rollout_v1_StatusLine, StatusLine__Output as _brownout_rollout_v1_StatusLine__Output } from './brownout/rollout/v1/StatusLine.ts';
import type { WatchRolloutRequest as _brownout_rollout_v1_WatchRolloutRequest, WatchRolloutRequest__Output as _brownout_rollout_v1_WatchRolloutRequest__Output } from './brownout/rollout/v1/WatchRolloutRequest.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  brownout: {
    rollout: {
      v1: {
        AbortRequest: MessageTypeDefinition<_brownout_rollout_v1_AbortRequest, _brownout_rollout_v1_AbortRequest__Output>
        CanaryComparison: MessageTypeDefinition<_brownout_rollout_v1_CanaryComparison, _brownout_rollout_v1_CanaryComparison__Output>
        CanaryOutcome: EnumTypeDefinition
        DamagedRollout: MessageTypeDefinition<_brownout_rollout_v1_DamagedRollout, _brownout_rollout_v1_DamagedRollout__Output>
        GateOutcome: EnumTypeDefinition
        GateResult: MessageTypeDefinition<_brownout_rollout_v1_GateResult, _brownout_rollout_v1_GateResult__Output>
        GetRolloutRequest: MessageTypeDefinition<_brownout_rollout_v1_GetRolloutRequest, _brownout_rollout_v1_GetRolloutRequest__Output>
        ListRolloutsRequest: MessageTypeDefinition<_brownout_rollout_v1_ListRolloutsRequest, _brownout_rollout_v1_ListRolloutsRequest__Output>
        ListRolloutsResponse: MessageTypeDefinition<_brownout_rollout_v1_ListRolloutsResponse, _brownout_rollout_v1_ListRolloutsResponse__Output>
        MetricClass: EnumTypeDefinition
        MetricComparison: MessageTypeDefinition<_brownout_rollout_v1_MetricComparison, _brownout_rollout_v1_MetricComparison__Output>
        PhaseChange: MessageTypeDefinition<_brownout_rollout_v1_PhaseChange, _brownout_rollout_v1_PhaseChange__Output>
        PromoteRequest: MessageTypeDefinition<_brownout_rollout_v1_PromoteRequest, _brownout_rollout_v1_PromoteRequest__Output>
        ResumeRequest: MessageTypeDefinition<_brownout_rollout_v1_ResumeRequest, _brownout_rollout_v1_ResumeRequest__Output>
        RollbackStatus: MessageTypeDefinition<_brownout_rollout_v1_RollbackStatus, _brownout_rollout_v1_RollbackStatus__Output>
        Rollout: MessageTypeDefinition<_brownout_rollout_v1_Rollout, _brownout_rollout_v1_Rollout__Output>
        RolloutEvent: MessageTypeDefinition<_brownout_rollout_v1_RolloutEvent, _brownout_rollout_v1_RolloutEvent__Output>
        RolloutPhase: EnumTypeDefinition
        Rollouts: SubtypeConstructor<typeof grpc.Client, _brownout_rollout_v1_RolloutsClient> & { service: _brownout_rollout_v1_RolloutsDefinition }
        ServerUpgrade: MessageTypeDefinition<_brownout_rollout_v1_ServerUpgrade, _brownout_rollout_v1_ServerUpgrade__Output>
        StageChange: MessageTypeDefinition<_brownout_rollout_v1_StageChange, _brownout_rollout_v1_StageChange__Output>
        StageKind: EnumTypeDefinition
        StagePhase: EnumTypeDefinition
        StageStatus: MessageTypeDefinition<_brownout_rollout_v1_StageStatus, _brownout_rollout_v1_StageStatus__Output>
        StartRolloutRequest: MessageTypeDefinition<_brownout_rollout_v1_StartRolloutRequest, _brownout_rollout_v1_StartRolloutRequest__Output>
        StatusLine: MessageTypeDefinition<_brownout_rollout_v1_StatusLine, _brownout_rollout_v1_StatusLine__Output>
        UpgradeStep: EnumTypeDefinition
        WatchRolloutRequest: MessageTypeDefinition<_brownout_rollout_v1_WatchRolloutRequest, _brownout_rollout_v1_WatchRolloutRequest__Output>
      }
    }
  }
}

