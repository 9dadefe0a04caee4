/**
 * Catches render errors of a subtree (typically the 3D view: no WebGL, lost context) and shows
 * what went wrong and what to try, instead of a blank page.
 */
import { Component, type ReactNode } from 'react';
import { ErrorBox } from './Feedback';

interface Props {
  title: string;
  hint: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="mx-auto max-w-3xl p-8">
          <ErrorBox title={this.props.title} message={this.state.error.message}>
            {this.props.hint}
          </ErrorBox>
        </div>
      );
    }
    return this.props.children;
  }
}
