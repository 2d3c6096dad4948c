// Asks before an action that changes a VM; the action runs only on the explicit confirm button.
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';

export interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  destructive?: boolean;
}

export function ConfirmDialog(props: {
  request: ConfirmRequest | undefined;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { request } = props;
  return (
    <Dialog open={request !== undefined} onClose={props.onCancel} aria-labelledby="confirm-title">
      {request && (
        <>
          <DialogTitle id="confirm-title">{request.title}</DialogTitle>
          <DialogContent>
            <DialogContentText>{request.body}</DialogContentText>
          </DialogContent>
          <DialogActions>
            <Button onClick={props.onCancel}>Cancel</Button>
            <Button
              onClick={props.onConfirm}
              color={request.destructive ? 'secondary' : 'primary'}
              variant="contained"
            >
              {request.confirmLabel}
            </Button>
          </DialogActions>
        </>
      )}
    </Dialog>
  );
}
