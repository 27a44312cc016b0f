// Package agentbridge joins the control plane to its agents. It is the
// control plane's side of the agent channel (agentrpc.ControlPlane: who is
// connected, which tasks an instance must run; agentrpc.StateReceiver: the
// agents' state changes) and of the agent-facing ECS
// operations (DiscoverPollEndpoint, SubmitTaskStateChange,
// SubmitContainerStateChange, SubmitAttachmentStateChanges), and it turns
// every committed launch or stop into a payload for the instance's agent.
//
// The flow of one task:
//
//	RunTask commit ──ObserveTasks──▶ Bridge queue ──▶ Hub.Notify ──▶ agent
//	agent ──StateChangeRequest──▶ Bridge.ApplyStateChanges ──▶ control.ApplyTaskStateChanges
//	agent ──SubmitTaskStateChange──▶ API.SubmitTaskStateChange ──▶ control.ApplyTaskStateChange
//
// Agents that find the channel takes them (agentrpc.FeatureStateChanges)
// report over it, several tasks per message; the ECS operations remain
// for the others and for agents whose channel is down. The changes of one
// message are applied as one batch: one cluster lookup, and the changes of
// up to 40 tasks in one commit.
//
// Observers must not block the goroutine that committed, so changes are
// queued and turned into payloads (which needs the task definition, cached
// by ARN because revisions never change) by one delivery goroutine.
package agentbridge
