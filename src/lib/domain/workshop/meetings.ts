/** A meeting of the process a workshop belongs to (`meeting_chain`): step 0 is the workshop itself, earlier ones negative. */
export interface Meeting {
	id: string;
	title: string;
	startsOn: string | null;
	venue: string;
	step: number;
}
