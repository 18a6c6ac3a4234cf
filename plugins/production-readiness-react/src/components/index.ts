export * from './StatusIcon';
export * from './LevelChip';
