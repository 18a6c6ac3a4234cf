export { StatusIcon, STATUS_DESCRIPTIONS } from './StatusIcon';
