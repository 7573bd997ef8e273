// Original file: brownout/rollout/v1/rollout.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AbortRequest as _brownout_rollout_v1_AbortRequest, AbortRequest__Output as _brownout_rollout_v1_AbortRequest__Output } from '../../../brownout/rollout/v1/AbortRequest.ts';
import type { GetRolloutRequest as _brownout_rollout_v1_GetRolloutRequest, GetRolloutRequest__Output as _brownout_rollout_v1_GetRolloutRequest__Output } from '../../../brownout/rollout/v1/GetRolloutRequest.ts';
import type { ListRolloutsRequest as _brownout_rollout_v1_ListRolloutsRequest, ListRolloutsRequest__Output as _brownout_rollout_v1_ListRolloutsRequest__Output } from '../../../brownout/rollout/v1/ListRolloutsRequest.ts';
import type { ListRolloutsResponse as _brownout_rollout_v1_ListRolloutsResponse, ListRolloutsResponse__Output as _brownout_rollout_v1_ListRolloutsResponse__Output } from '../../../brownout/rollout/v1/ListRolloutsResponse.ts';
import type { PromoteRequest as _brownout_rollout_v1_PromoteRequest, PromoteRequest__Output as _brownout_rollout_v1_PromoteRequest__Output } from '../../../brownout/rollout/v1/PromoteRequest.ts';
import type { ResumeRequest as _brownout_rollout_v1_ResumeRequest, ResumeRequest__Output as _brownout_rollout_v1_ResumeRequest__Output } from '../../../brownout/rollout/v1/ResumeRequest.ts';
import type { Rollout as _brownout_rollout_v1_Rollout, Rollout__Output as _brownout_rollout_v1_Rollout__Output } from '../../../brownout/rollout/v1/Rollout.ts';
import type { RolloutEvent as _brownout_rollout_v1_RolloutEvent, RolloutEvent__Output as _brownout_rollout_v1_RolloutEvent__Output } from '../../../brownout/rollout/v1/RolloutEvent.ts';
import type { StartRolloutRequest as _brownout_rollout_v1_StartRolloutRequest, StartRolloutRequest__Output as _brownout_rollout_v1_StartRolloutRequest__Output } from '../../../brownout/rollout/v1/StartRolloutRequest.ts';
import type { WatchRolloutRequest as _brownout_rollout_v1_WatchRolloutRequest, WatchRolloutRequest__Output as _brownout_rollout_v1_WatchRolloutRequest__Output } from '../../../brownout/rollout/v1/WatchRolloutRequest.ts';

export interface RolloutsClient extends grpc.Client {
  /**
   * A human's no: roll back every upgraded server, newest first; the rollback is judged too.
   */
  Abort(argument: _brownout_rollout_v1_AbortRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Abort(argument: _brownout_rollout_v1_AbortRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Abort(argument: _brownout_rollout_v1_AbortRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Abort(argument: _brownout_rollout_v1_AbortRequest, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  /**
   * A human's no: roll back every upgraded server, newest first; the rollback is judged too.
   */
  abort(argument: _brownout_rollout_v1_AbortRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  abort(argument: _brownout_rollout_v1_AbortRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  abort(argument: _brownout_rollout_v1_AbortRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  abort(argument: _brownout_rollout_v1_AbortRequest, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  /**
   * One rollout, by id; an empty id is the newest.
   */
  GetRollout(argument: _brownout_rollout_v1_GetRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  GetRollout(argument: _brownout_rollout_v1_GetRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  GetRollout(argument: _brownout_rollout_v1_GetRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  GetRollout(argument: _brownout_rollout_v1_GetRolloutRequest, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  /**
   * One rollout, by id; an empty id is the newest.
   */
  getRollout(argument: _brownout_rollout_v1_GetRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  getRollout(argument: _brownout_rollout_v1_GetRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  getRollout(argument: _brownout_rollout_v1_GetRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  getRollout(argument: _brownout_rollout_v1_GetRolloutRequest, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every rollout the controller knows (runs/<id>/rollout.json), newest first.
   */
  ListRollouts(argument: _brownout_rollout_v1_ListRolloutsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  ListRollouts(argument: _brownout_rollout_v1_ListRolloutsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  ListRollouts(argument: _brownout_rollout_v1_ListRolloutsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  ListRollouts(argument: _brownout_rollout_v1_ListRolloutsRequest, callback: grpc.requestCallback<_brownout_rollout_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every rollout the controller knows (runs/<id>/rollout.json), newest first.
   */
  listRollouts(argument: _brownout_rollout_v1_ListRolloutsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  listRollouts(argument: _brownout_rollout_v1_ListRolloutsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  listRollouts(argument: _brownout_rollout_v1_ListRolloutsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  listRollouts(argument: _brownout_rollout_v1_ListRolloutsRequest, callback: grpc.requestCallback<_brownout_rollout_v1_ListRolloutsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A human's yes: the paused stage counts as passed and the rollout goes on to the next stage.
   */
  Promote(argument: _brownout_rollout_v1_PromoteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Promote(argument: _brownout_rollout_v1_PromoteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Promote(argument: _brownout_rollout_v1_PromoteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Promote(argument: _brownout_rollout_v1_PromoteRequest, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  /**
   * A human's yes: the paused stage counts as passed and the rollout goes on to the next stage.
   */
  promote(argument: _brownout_rollout_v1_PromoteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  promote(argument: _brownout_rollout_v1_PromoteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  promote(argument: _brownout_rollout_v1_PromoteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  promote(argument: _brownout_rollout_v1_PromoteRequest, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  /**
   * Try the paused stage again: soak and judge its gates anew (after fixing what made it fail).
   */
  Resume(argument: _brownout_rollout_v1_ResumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Resume(argument: _brownout_rollout_v1_ResumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Resume(argument: _brownout_rollout_v1_ResumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Resume(argument: _brownout_rollout_v1_ResumeRequest, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  /**
   * Try the paused stage again: soak and judge its gates anew (after fixing what made it fail).
   */
  resume(argument: _brownout_rollout_v1_ResumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  resume(argument: _brownout_rollout_v1_ResumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  resume(argument: _brownout_rollout_v1_ResumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  resume(argument: _brownout_rollout_v1_ResumeRequest, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  /**
   * Validate the playbook and start the rollout; returns it as first recorded.
   */
  StartRollout(argument: _brownout_rollout_v1_StartRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  StartRollout(argument: _brownout_rollout_v1_StartRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  StartRollout(argument: _brownout_rollout_v1_StartRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  StartRollout(argument: _brownout_rollout_v1_StartRolloutRequest, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  /**
   * Validate the playbook and start the rollout; returns it as first recorded.
   */
  startRollout(argument: _brownout_rollout_v1_StartRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  startRollout(argument: _brownout_rollout_v1_StartRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  startRollout(argument: _brownout_rollout_v1_StartRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  startRollout(argument: _brownout_rollout_v1_StartRolloutRequest, callback: grpc.requestCallback<_brownout_rollout_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  /**
   * A snapshot, then every change as it happens, until the rollout ends or the client cancels.
   */
  WatchRollout(argument: _brownout_rollout_v1_WatchRolloutRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_brownout_rollout_v1_RolloutEvent__Output>;
  WatchRollout(argument: _brownout_rollout_v1_WatchRolloutRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_brownout_rollout_v1_RolloutEvent__Output>;
  /**
   * A snapshot, then every change as it happens, until the rollout ends or the client cancels.
   */
  watchRollout(argument: _brownout_rollout_v1_WatchRolloutRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_brownout_rollout_v1_RolloutEvent__Output>;
  watchRollout(argument: _brownout_rollout_v1_WatchRolloutRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_brownout_rollout_v1_RolloutEvent__Output>;
  
}

export interface RolloutsHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A human's no: roll back every upgraded server, newest first; the rollback is judged too.
   */
  Abort: grpc.handleUnaryCall<_brownout_rollout_v1_AbortRequest__Output, _brownout_rollout_v1_Rollout>;
  
  /**
   * One rollout, by id; an empty id is the newest.
   */
  GetRollout: grpc.handleUnaryCall<_brownout_rollout_v1_GetRolloutRequest__Output, _brownout_rollout_v1_Rollout>;
  
  /**
   * Every rollout the controller knows (runs/<id>/rollout.json), newest first.
   */
  ListRollouts: grpc.handleUnaryCall<_brownout_rollout_v1_ListRolloutsRequest__Output, _brownout_rollout_v1_ListRolloutsResponse>;
  
  /**
   * A human's yes: the paused stage counts as passed and the rollout goes on to the next stage.
   */
  Promote: grpc.handleUnaryCall<_brownout_rollout_v1_PromoteRequest__Output, _brownout_rollout_v1_Rollout>;
  
  /**
   * Try the paused stage again: soak and judge its gates anew (after fixing what made it fail).
   */
  Resume: grpc.handleUnaryCall<_brownout_rollout_v1_ResumeRequest__Output, _brownout_rollout_v1_Rollout>;
  
  /**
   * Validate the playbook and start the rollout; returns it as first recorded.
   */
  StartRollout: grpc.handleUnaryCall<_brownout_rollout_v1_StartRolloutRequest__Output, _brownout_rollout_v1_Rollout>;
  
  /**
   * A snapshot, then every change as it happens, until the rollout ends or the client cancels.
   */
  WatchRollout: grpc.handleServerStreamingCall<_brownout_rollout_v1_WatchRolloutRequest__Output, _brownout_rollout_v1_RolloutEvent>;
  
}

export interface RolloutsDefinition extends grpc.ServiceDefinition {
  Abort: MethodDefinition<_brownout_rollout_v1_AbortRequest, _brownout_rollout_v1_Rollout, _brownout_rollout_v1_AbortRequest__Output, _brownout_rollout_v1_Rollout__Output>
  GetRollout: MethodDefinition<_brownout_rollout_v1_GetRolloutRequest, _brownout_rollout_v1_Rollout, _brownout_rollout_v1_GetRolloutRequest__Output, _brownout_rollout_v1_Rollout__Output>
  ListRollouts: MethodDefinition<_brownout_rollout_v1_ListRolloutsRequest, _brownout_rollout_v1_ListRolloutsResponse, _brownout_rollout_v1_ListRolloutsRequest__Output, _brownout_rollout_v1_ListRolloutsResponse__Output>
  Promote: MethodDefinition<_brownout_rollout_v1_PromoteRequest, _brownout_rollout_v1_Rollout, _brownout_rollout_v1_PromoteRequest__Output, _brownout_rollout_v1_Rollout__Output>
  Resume: MethodDefinition<_brownout_rollout_v1_ResumeRequest, _brownout_rollout_v1_Rollout, _brownout_rollout_v1_ResumeRequest__Output, _brownout_rollout_v1_Rollout__Output>
  StartRollout: MethodDefinition<_brownout_rollout_v1_StartRolloutRequest, _brownout_rollout_v1_Rollout, _brownout_rollout_v1_StartRolloutRequest__Output, _brownout_rollout_v1_Rollout__Output>
  WatchRollout: MethodDefinition<_brownout_rollout_v1_WatchRolloutRequest, _brownout_rollout_v1_RolloutEvent, _brownout_rollout_v1_WatchRolloutRequest__Output, _brownout_rollout_v1_RolloutEvent__Output>
}
