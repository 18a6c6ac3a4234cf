export { ReadinessOverviewCard } from './ReadinessOverviewCard';
