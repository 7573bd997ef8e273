// Original file: brownout/rollout/v1/rollout.proto

export const StageKind = {
  STAGE_KIND_UNSPECIFIED: 'STAGE_KIND_UNSPECIFIED',
  STAGE_KIND_CANARY: 'STAGE_KIND_CANARY',
  STAGE_KIND_REGION: 'STAGE_KIND_REGION',
  STAGE_KIND_GLOBAL: 'STAGE_KIND_GLOBAL',
} as const;

export type StageKind =
  | 'STAGE_KIND_UNSPECIFIED'
  | 0
  | 'STAGE_KIND_CANARY'
  | 1
  | 'STAGE_KIND_REGION'
  | 2
  | 'STAGE_KIND_GLOBAL'
  | 3

export type StageKind__Output = typeof StageKind[keyof typeof StageKind]
