import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { StatusIcon } from './StatusIcon';

describe('StatusIcon', () => {
  it('gives screen readers the meaning of the status', async () => {
    await renderInTestApp(
      <>
        <StatusIcon status="fail" />
        <StatusIcon status="unknown" />
      </>,
    );
    expect(screen.getByRole('img', { name: 'Failed' })).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Unknown: no data for this entity' }),
    ).toBeInTheDocument();
  });
});
